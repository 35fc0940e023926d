"use client";
import { useState } from "react";

/**
 * A link shown whole (it wraps, never truncates) with a Copy button. The clipboard API needs a secure context
 * (https or localhost); elsewhere the text is selected so Ctrl+C copies it.
 */
export function CopyLink({ value, testId }: { value: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "select">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("select");
    }
  };
  return (
    <div className="copy-link">
      <code className="copy-link-text" data-testid={testId} onClick={(event) => window.getSelection()?.selectAllChildren(event.currentTarget)}>{value}</code>
      <button type="button" className="btn btn-sm" onClick={() => void copy()} data-testid="copy-link">{state === "copied" ? "Copied ✓" : "Copy link"}</button>
      {state === "select" && <span className="small muted">Copying was blocked here: click the link to select it, then press Ctrl+C.</span>}
    </div>
  );
}
