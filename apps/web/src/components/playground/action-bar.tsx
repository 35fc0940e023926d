"use client";
import type { Plan } from "@headroom/estimator";
import { jobRefusals, matchHosts, type Finding } from "@headroom/rules";
import { FindingList } from "@headroom/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Check } from "@/lib/check-plan";
import { LIVEAVATAR_NEEDS_PROMPT, promptProblem } from "@/lib/job-prompt";
import { useTRPC } from "@/lib/trpc";
import { HostHint } from "./host-hint";
import type { HostOption } from "./playground";
import type { UploadedAsset } from "./upload-field";

type Runner = "probe" | "liveavatar";
const RUNNERS: { id: Runner; label: string }[] = [
  { id: "probe", label: "probe — measure memory with LiveAvatar's shapes" },
  { id: "liveavatar", label: "liveavatar — generate the video" },
];

/** Share this check, or submit the plan as a job (the server re-checks it with the same rules). */
export function ActionBar({ plan, check, isSignedIn, image, audio, prompt, hosts }: { plan: Plan; check: Check; isSignedIn: boolean; image: UploadedAsset | null; audio: UploadedAsset | null; prompt: string; hosts: HostOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [chosen, setRunner] = useState<Runner>("probe");
  // hosts come and go: the page's list first, then a fresh one every 15 s (the server asks the same matchHosts at submit)
  const liveHosts = useQuery({ ...trpc.hosts.list.queryOptions(), enabled: isSignedIn, refetchInterval: 15_000 }).data ?? hosts;
  const matches = Object.fromEntries(RUNNERS.map(({ id }) => [id, matchHosts(liveHosts, plan, id)])) as Record<Runner, ReturnType<typeof matchHosts>>;
  // a runner no online host can run is not offered; the chosen one gives way to one that runs
  const runner = matches[chosen].able.length > 0 ? chosen : (RUNNERS.find(({ id }) => matches[id].able.length > 0)?.id ?? chosen);
  const [savedCheck, setSavedCheck] = useState<{ id: string; message: string } | null>(null);
  const [shared, setShared] = useState<{ id: string; url: string } | null>(null);
  const [refused, setRefused] = useState<Finding[] | null>(null);
  const [warnings, setWarnings] = useState<Finding[] | null>(null);
  const share = useMutation(trpc.reports.create.mutationOptions({ onSuccess: ({ id }) => setShared({ id, url: `${window.location.origin}/r/${id}` }) }));
  const submit = useMutation(
    trpc.jobs.submit.mutationOptions({
      onSuccess: (outcome) => {
        setRefused(outcome.kind === "refused" ? outcome.findings : null);
        setSavedCheck(outcome.kind === "saved-as-check" ? { id: outcome.reportId, message: outcome.message } : null);
        setWarnings(outcome.kind === "confirm" ? outcome.warnings : null);
        if (outcome.kind === "queued") router.push(`/jobs/${outcome.job.id}`);
      },
    }),
  );
  // A blank prompt is left out: the probe runs without one, LiveAvatar needs one (the server checks the same way).
  const isPromptBlank = prompt.trim() === "";
  const promptIssue = isPromptBlank ? (runner === "liveavatar" ? LIVEAVATAR_NEEDS_PROMPT : null) : promptProblem(prompt);
  const run = (confirmWarnings: boolean) =>
    submit.mutate({ plan, runner, ...(!isPromptBlank && { prompt }), inputAssetIds: runner === "liveavatar" && image && audio ? [image.id, audio.id] : [], confirmWarnings });
  const missingInputs = runner === "liveavatar" && (!image || !audio);
  const hasErrors = jobRefusals(check.verdict, runner).length > 0;

  if (!isSignedIn) {
    return (
      <div className="actionbar">
        <span className="muted">The estimate runs in your browser. <Link href="/sign-in">Sign in</Link> or <Link href="/sign-up">create an account</Link> to share this check, upload files and run jobs.</span>
      </div>
    );
  }
  return (
    <>
      <div className="actionbar">
        <button type="button" className="btn" onClick={() => share.mutate({ plan })} disabled={share.isPending} data-testid="share">
          {share.isPending ? "Sharing…" : "Share this check"}
        </button>
        <span className="spacer" />
        <label className="small muted" htmlFor="runner">Runner</label>
        <select id="runner" value={runner} onChange={(event) => setRunner(event.target.value as Runner)} style={{ width: "auto" }}>
          {RUNNERS.map(({ id, label }) => (
            <option key={id} value={id} disabled={matches[id].able.length === 0 && id !== runner}>{label}{matches[id].able.length === 0 ? " (no online host)" : ""}</option>
          ))}
        </select>
        <button type="button" className="btn btn-primary" onClick={() => run(false)} disabled={submit.isPending || missingInputs || promptIssue !== null} data-testid="submit-job" title={hasErrors ? `the server will refuse this plan for the ${runner} runner` : undefined}>
          {submit.isPending ? "Submitting…" : matches[runner].able.length === 0 ? "Save as check" : "Submit job"}
        </button>
      </div>
      <HostHint match={matches[runner]} plan={plan} runner={runner} />
      {missingInputs && <div className="callout callout-info">LiveAvatar needs a reference image and an audio file: upload both, or run the probe.</div>}
      {promptIssue && <div className="callout callout-info" data-testid="prompt-problem">{promptIssue}</div>}
      {share.error && <div className="callout callout-error">{share.error.message}</div>}
      {shared && (
        <div className="share-link" data-testid="share-link">
          <span>Share link (read-only snapshot):</span>
          <input type="text" readOnly value={shared.url} onFocus={(event) => event.target.select()} aria-label="share link" />
          <button type="button" className="btn btn-xs" onClick={() => void navigator.clipboard?.writeText(shared.url)}>Copy</button>
          <Link href={`/r/${shared.id}`}>Open</Link>
        </div>
      )}
      {submit.error && <div className="callout callout-error" role="alert">{submit.error.message}</div>}
      {savedCheck && (
        <div className="callout callout-warning" role="status" data-testid="saved-as-check">
          {savedCheck.message} <Link href={`/r/${savedCheck.id}`}>Open the saved check</Link>
        </div>
      )}
      {refused && (
        <div className="callout callout-error" role="alert" data-testid="submit-refused">
          <h4>The server refused this job: the plan has {refused.length === 1 ? "an error" : `${refused.length} errors`}.</h4>
          <FindingList findings={refused} />
        </div>
      )}
      {warnings && (
        <div className="callout callout-warning" data-testid="submit-confirm">
          <h4>This plan runs with {warnings.length === 1 ? "a warning" : `${warnings.length} warnings`}. Run it anyway?</h4>
          <FindingList findings={warnings} />
          <div className="fixes">
            <button type="button" className="btn btn-sm btn-primary" onClick={() => run(true)} disabled={submit.isPending} data-testid="confirm-submit">Run anyway</button>
            <button type="button" className="btn btn-sm" onClick={() => setWarnings(null)}>Cancel</button>
          </div>
        </div>
      )}
    </>
  );
}
