"use client";
import { useEffect, useRef, useState } from "react";

const BASE_TITLE = "Job — Headroom";
const ENDED = new Set(["succeeded", "failed", "cancelled"]);

/** The tab title once a followed job ends: a mark a person sees from another tab. */
export const endTitle = (state: string): string | null =>
  state === "succeeded" ? `✓ job done — Headroom` : state === "failed" ? `✗ job failed — Headroom` : state === "cancelled" ? `(1) job cancelled — Headroom` : null;

/** True when this poll saw the job go from queued/running to an end state (not on a page opened after the end). */
export const justEnded = (previous: string | null, current: string): boolean => previous !== null && !ENDED.has(previous) && ENDED.has(current);

const notificationsSupported = () => typeof window !== "undefined" && "Notification" in window;

/**
 * While this page is open it follows the job: when the job ends, the tab title says so until the tab is looked at,
 * and, where the person asked for it on the button, a browser notification says so too.
 */
export function JobEndNotice({ id, state, title }: { id: string; state: string; title: string }) {
  const previous = useRef<string | null>(null);
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">("default");

  useEffect(() => setPermission(notificationsSupported() ? Notification.permission : "unsupported"), []);

  useEffect(() => {
    const was = previous.current;
    previous.current = state;
    if (!justEnded(was, state)) return;
    const badge = endTitle(state);
    if (badge) document.title = badge;
    if (notificationsSupported() && Notification.permission === "granted") {
      new Notification(badge ?? "Headroom", { body: title, tag: `job-${id}` });
    }
    const restore = () => {
      if (document.visibilityState === "visible" && document.hasFocus()) document.title = BASE_TITLE;
    };
    window.addEventListener("focus", restore);
    document.addEventListener("visibilitychange", restore);
    return () => {
      window.removeEventListener("focus", restore);
      document.removeEventListener("visibilitychange", restore);
    };
  }, [state, id, title]);

  if (ENDED.has(state) || permission === "unsupported") return null;
  if (permission === "granted") return <span className="small muted" data-testid="notify-on">You will get a notification when it ends.</span>;
  if (permission === "denied") return <span className="small muted">Notifications are blocked for this site; the tab title still says when it ends.</span>;
  return (
    <button type="button" className="btn btn-sm" data-testid="notify-me" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Notify me when it ends
    </button>
  );
}
