"use client";
import { launchReport, type LaunchInputs, type Plan } from "@headroom/estimator";
import { Panel } from "@headroom/ui";
import { useMemo, useRef, useState } from "react";
import { describeDifference } from "@/lib/launch-inputs";

/**
 * The exact LiveAvatar command for the plan, with a Copy button, and every flag that differs from the upstream script for the
 * GPU count (default → plan). The clipboard API needs a secure context (https or localhost); elsewhere the command is
 * selected so Ctrl+C copies it.
 */
export function LaunchCommandPanel({ plan, inputs = {}, inputsNote }: { plan: Plan; inputs?: LaunchInputs; inputsNote: string }) {
  const { command, script, differences } = useMemo(() => launchReport(plan, inputs), [plan, inputs]);
  const [state, setState] = useState<"idle" | "copied" | "select">("idle");
  const textRef = useRef<HTMLPreElement>(null);
  const select = () => {
    if (textRef.current) window.getSelection()?.selectAllChildren(textRef.current);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command.text);
      setState("copied");
    } catch {
      select();
      setState("select");
    }
  };
  return (
    <Panel title="Launch command" aside={<span className="muted small">LiveAvatar @9c2c38d · {inputsNote}</span>} testId="launch-command-panel">
      <div className="panel-body launch-command">
        <div className="launch-command-actions">
          <button type="button" className="btn btn-sm" onClick={() => void copy()} data-testid="copy-launch-command">{state === "copied" ? "Copied ✓" : "Copy command"}</button>
          {state === "select" && <span className="small muted" role="status">Copying was blocked here: the command is selected, press Ctrl+C.</span>}
        </div>
        <pre ref={textRef} className="launch-command-text" data-testid="launch-command" onClick={select}>{command.text}</pre>
        <div className="small" data-testid="script-differences">
          {differences.length === 0 ? (
            <span className="muted">Same flags as upstream&apos;s {script}.</span>
          ) : (
            <>
              <div className="muted">Differs from upstream&apos;s {script} (its default → this plan):</div>
              <ul className="launch-differences">
                {differences.map(describeDifference).map(({ flag, script: from, plan: to }) => (
                  <li key={flag}><code>{flag}</code> {from} → <b>{to}</b></li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </Panel>
  );
}
