"use client";
import { planToQuery } from "@headroom/estimator";
import type { Finding } from "@headroom/rules";
import { FindingList, formatDuration, Panel, ProgressBar, StateBadge, VramTimeline } from "@headroom/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { describePlan } from "@/lib/describe-plan";
import { fileSize, formatWhen, gib, jobDurationSeconds, peakDelta } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { etaSeconds } from "@/lib/job-eta";
import { currentProgress, isSmokeRun } from "@/lib/job-events";
import { EventLog, tracesFromMemoryEvents } from "./event-log";
import { JobEndNotice } from "./job-end-notice";
import { launchInputsFor } from "@/lib/launch-inputs";
import { LaunchCommandPanel } from "../launch/launch-command-panel";
import { JobInputs } from "./job-inputs";
import { PeakCompare } from "./peak-compare";

const isActive = (state: string | undefined) => state === "queued" || state === "running";

/** A job's live page: polled every second while it is queued or running. */
export function JobView({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const job = useQuery({ ...trpc.jobs.get.queryOptions({ id }), refetchInterval: (query) => (isActive(query.state.data?.job.state) ? 1000 : false) });
  const active = isActive(job.data?.job.state);
  const events = useQuery({ ...trpc.jobs.events.queryOptions({ id, afterSeq: 0 }), refetchInterval: active ? 1000 : false });
  const vram = useQuery({ ...trpc.jobs.vram.queryOptions({ id }), refetchInterval: active ? 2000 : false });
  // The host is known once a worker takes the job: asked again on every change of state, and each second until then.
  const context = useQuery({ ...trpc.jobs.context.queryOptions({ id }), refetchInterval: (query) => (active && !query.state.data?.host ? 1000 : false) });
  const { refetch: refetchContext } = context;
  const state = job.data?.job.state;
  useEffect(() => void refetchContext(), [state, refetchContext]);
  const [rerunNotice, setRerunNotice] = useState<{ kind: "refused" | "confirm"; findings: Finding[] } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: refresh }));
  const rerun = useMutation(
    trpc.jobs.rerun.mutationOptions({
      onSuccess: (outcome) => {
        if (outcome.kind === "queued") router.push(`/jobs/${outcome.job.id}`);
        else if (outcome.kind === "saved-as-check") setRerunNotice({ kind: "refused", findings: [{ ruleId: "host/none-online", severity: "error", message: `${outcome.message} ${window.location.origin}/r/${outcome.reportId}`, path: [], cites: [], fixes: [] }] });
        else setRerunNotice({ kind: outcome.kind, findings: outcome.kind === "refused" ? outcome.findings : outcome.warnings });
      },
    }),
  );

  if (job.error) return <div className="callout callout-error">{job.error.message}</div>;
  if (!job.data) return <div className="empty">Loading…</div>;
  const { job: current, artifacts } = job.data;
  const duration = jobDurationSeconds(current);
  const delta = peakDelta(current.predictedPeakBytes, current.measuredPeakBytes);
  const video = artifacts.find((artifact) => artifact.kind === "video");
  const predictedPeaks = current.estimate?.gpus.map((gpu) => gpu.peakBytes) ?? [];
  const usable = current.estimate?.gpus[0]?.usableBytes ?? null;
  const origin = new Date(current.startedAt ?? current.createdAt).getTime();
  const sampled = (vram.data?.length ?? 0) > 0;
  const traces = sampled ? vram.data! : tracesFromMemoryEvents(events.data ?? []);
  // A probe at tiny CPU shapes checked the pipeline; its readings are not this plan's memory.
  const smoke = isSmokeRun(events.data ?? []);
  const now = currentProgress(events.data ?? []);
  const eta = current.state === "running" && duration !== null && !smoke
    ? etaSeconds({ predictedWallSeconds: current.runner === "liveavatar" ? (current.estimate?.speed.wallSeconds ?? null) : null, elapsedSeconds: duration, progress: current.progress })
    : null;
  const host = context.data?.host ?? null;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs"><Link href="/jobs">Jobs</Link> / <code>{current.id}</code></div>
          <h1>{describePlan(current.plan)} <StateBadge state={current.state} />{smoke && <span className="smoke-badge" data-testid="smoke-run">smoke run — not a measurement</span>}</h1>
        </div>
        <div className="actions">
          {active && <button type="button" className="btn btn-danger" onClick={() => cancel.mutate({ id })} disabled={cancel.isPending} data-testid="cancel-job">Cancel</button>}
          <button type="button" className="btn" onClick={() => rerun.mutate({ id, confirmWarnings: false })} disabled={rerun.isPending}>Run again</button>
          <Link className="btn" href={`/?${planToQuery(current.plan)}`}>Open plan in playground</Link>
        </div>
      </div>
      {rerun.error && <div className="callout callout-error" role="alert" style={{ marginBottom: 10 }}>{rerun.error.message}</div>}
      {rerunNotice && (
        <div className={`callout ${rerunNotice.kind === "refused" ? "callout-error" : "callout-warning"}`} style={{ marginBottom: 10 }}>
          <h4>{rerunNotice.kind === "refused" ? "The server refused to run this plan again." : "This plan has warnings. Run it anyway?"}</h4>
          <FindingList findings={rerunNotice.findings} />
          {rerunNotice.kind === "confirm" && (
            <div className="fixes"><button type="button" className="btn btn-sm btn-primary" onClick={() => rerun.mutate({ id, confirmWarnings: true })}>Run anyway</button></div>
          )}
        </div>
      )}
      <div className="job-grid">
        <div className="report">
          <Panel title="Progress" aside={<span className="small muted">{active ? "live · updates every second" : "final"}</span>}>
            <div className="panel-body">
              <ProgressBar value={active ? (now.fraction ?? current.progress) : current.progress} label={active ? (now.label ?? current.phase ?? current.state) : current.state} />
              <div className="job-status-line small" data-testid="job-status-line">
                <span>{current.state === "queued" ? "Waiting for a host" : host ? <>Host <b data-testid="job-host">{host.name}</b>{host.gpus.length > 0 && ` · ${host.gpus.length} × ${host.gpus[0]!.name.replace(/^NVIDIA (GeForce )?/, "")}`}</> : "No host recorded"}</span>
                {eta !== null && <span data-testid="job-eta">ETA {eta >= 1 ? formatDuration(eta) : "any moment now"}{current.runner === "liveavatar" ? " (predicted wall time, corrected by progress)" : " (from progress so far)"}</span>}
                <JobEndNotice id={id} state={current.state} title={describePlan(current.plan)} />
              </div>
              {current.state === "failed" && (
                <div className="callout callout-error" data-testid="job-failure">
                  <h4>Failed: {current.errorClass ?? "unknown"}</h4>
                  {current.errorMessage}
                </div>
              )}
              {current.state === "cancelled" && <div className="callout callout-info">Cancelled. {current.errorMessage}</div>}
            </div>
          </Panel>
          {smoke ? (
            <Panel title="VRAM">
              <div className="panel-body">
                <div className="callout callout-info" data-testid="smoke-note">
                  <h4>Smoke run — not a measurement</h4>
                  The probe ran at its tiny test shapes (what it uses where there is no GPU): it checked that every phase runs end to end. Its memory readings are kept in the log and probe-result.json, not compared with the {gib(current.predictedPeakBytes)} prediction.
                </div>
              </div>
            </Panel>
          ) : (
            <Panel title="VRAM per GPU" aside={<span className="small muted">{sampled ? "blue: sampled every 100 ms" : "blue: the runner's memory readings (no VRAM sampler on this host)"} · dashed: predicted peak · dotted: usable</span>}>
              <PeakCompare predicted={current.predictedPeakBytes} measured={current.measuredPeakBytes} usable={usable} />
              <VramTimeline traces={traces} origin={origin} predictedPeaks={predictedPeaks} usableBytes={usable} />
            </Panel>
          )}
          <Panel title={`Log (${events.data?.length ?? 0} events)`}>
            <EventLog events={events.data ?? []} />
          </Panel>
        </div>
        <div className="report">
          <Panel title="Details">
            <dl className="kv">
              <dt>State</dt><dd><StateBadge state={current.state} /></dd>
              <dt>Runner</dt><dd>{current.runner}</dd>
              <dt>Host</dt><dd>{host ? `${host.name}${host.isOnline ? "" : " (offline now)"}` : "—"}</dd>
              <dt>Phase</dt><dd>{current.phase ?? "—"}</dd>
              <dt>Attempts</dt><dd>{current.attempts}</dd>
              <dt>Created</dt><dd>{formatWhen(current.createdAt)}</dd>
              <dt>Started</dt><dd>{current.startedAt ? formatWhen(current.startedAt) : "—"}</dd>
              <dt>Finished</dt><dd>{current.finishedAt ? formatWhen(current.finishedAt) : "—"}</dd>
              <dt>Duration</dt><dd>{duration === null ? "—" : formatDuration(duration)}</dd>
              <dt>Predicted peak</dt><dd>{gib(current.predictedPeakBytes)}</dd>
              <dt>Measured peak</dt><dd data-testid="measured-peak">{smoke ? "— (smoke run)" : gib(current.measuredPeakBytes)} {!smoke && delta && <span className={delta.isOutsideBar ? "delta-bad" : "delta-ok"}>{delta.text}</span>}</dd>
              <dt>Error class</dt><dd>{current.errorClass ?? "—"}</dd>
            </dl>
          </Panel>
          <Panel title="Inputs">
            <JobInputs plan={current.plan} prompt={current.prompt} runner={current.runner} inputs={context.data?.inputs ?? []} />
          </Panel>
          <LaunchCommandPanel
            plan={current.plan}
            inputs={launchInputsFor(context.data?.inputs ?? [], current.prompt)}
            inputsNote={context.data?.inputs.length ? "this job's uploads, saved under these names" : "the script's example image and audio"}
          />
          <Panel title="Result">
            <div className="panel-body">
              {video ? (
                <>
                  <video className="result" controls src={`/api/files/artifacts/${current.id}/${video.id}`} data-testid="result-video" />
                  <a className="btn btn-sm" href={`/api/files/artifacts/${current.id}/${video.id}?download=1`} download>Download video ({fileSize(video.bytes)})</a>
                </>
              ) : (
                <span className="muted small">{active ? "The video appears here when the job finishes." : "This job produced no video."}</span>
              )}
              {artifacts.filter((artifact) => artifact.kind !== "video").map((artifact) => (
                <a key={artifact.id} className="small" href={`/api/files/artifacts/${current.id}/${artifact.id}?download=1`}>{artifact.kind}: {artifact.path.split("/").at(-1)} ({(artifact.bytes / 1024).toFixed(1)} KB)</a>
              ))}
            </div>
          </Panel>
        </div>
      </div>
    </>
  );
}
