import { checkJobOwner, type Db, type JobDto, type JobOutcome, type JobOwner, type JobRunner } from "@headroom/db";
import type { WorkerConfig } from "../env.ts";
import { ERROR_CLASSES, type ErrorClass, type ProbeResult } from "@headroom/protocol";
import { TASKS } from "../tasks/registry.ts";
import { TaskFailure, type TaskContext } from "../tasks/task.ts";
import type { WebFiles } from "../transfer/web-files.ts";
import type { HostProfile } from "./host-profile.ts";
import { createJobReporter } from "./job-reporter.ts";
import { planRefusal } from "./plan-check.ts";
import { userFacingFailure } from "./user-facing-failure.ts";
import { liveavatarPayload, probePayload, upstreamPayload } from "./task-payload.ts";
import { startVramRecorder, type VramRecorder } from "./vram-recorder.ts";
import type { WorkerSettings } from "./worker-settings.ts";

/** A few seconds of a shutdown's grace (HEADROOM_SHUTDOWN_GRACE_S, 20 s by default) for the last reports. */
const RELEASE_REPORTS_MS = 5000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export type RunJobDeps = {
  db: Db;
  host: HostProfile;
  settings: WorkerSettings;
  config: WorkerConfig;
  /** Inputs and results over HTTP through the web app. */
  files: WebFiles;
  log: (line: string) => void;
  /** The VRAM sampler's command (tests point it at a fake nvidia-smi). */
  nvidiaSmi?: string;
};

type StopReason = "cancelled" | "taken" | "released";

const isReportable = (errorClass: string): errorClass is ErrorClass => errorClass !== "cancelled" && (ERROR_CLASSES as readonly string[]).includes(errorClass);

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** A probe's answer: fits (succeeded) or a measured out-of-memory (failed, final, with phase); both carry the peak. */
export const probeOutcome = (results: readonly ProbeResult[]): JobOutcome => {
  const measuredPeakBytes = Math.max(0, ...results.map((r) => r.peakDeviceUsed));
  const oom = results.find((r) => r.fits === false);
  if (!oom) return { kind: "succeeded", measuredPeakBytes };
  const need = oom.needBytes ? `, needing ${gib(oom.needBytes)} more` : "";
  const cap = oom.capBytes ? ` within ${gib(oom.capBytes)}` : "";
  return { kind: "failed", errorClass: "out-of-memory", phase: oom.oomPhase, message: `does not fit${cap}: out of memory at ${oom.oomPhase ?? "an unknown phase"}${need}`, measuredPeakBytes };
};

/** The worker's one place that turns a thrown error into a job failure: a task's classified failure, or a crash. */
export const failureOutcome = (error: unknown): JobOutcome => {
  if (error instanceof TaskFailure) return { kind: "failed", ...error.failure };
  return { kind: "failed", errorClass: "crashed", message: `worker error: ${error instanceof Error ? error.message : String(error)}` };
};

/**
 * Runs one claimed job to an outcome (never throws): re-checks the plan, runs its runner's task with events, progress,
 * VRAM samples and artifacts going to the web app over HTTP, and stops the child when the row is cancelled, the job is taken
 * away (swept as lost) or `release` fires (shutdown).
 */
export const runJob = async (deps: RunJobDeps, owner: JobOwner, job: JobDto, release: AbortSignal): Promise<JobOutcome> => {
  const { db, host, settings, config, files, log } = deps;
  const refusal = planRefusal(job.plan, job.runner);
  if (refusal) {
    const refused = createJobReporter({ jobId: job.id, post: files.postBatch, upload: files.uploadArtifact, onError: log });
    refused.report({ type: "error", errorClass: "bad-input", message: refusal });
    await refused.close();
    return { kind: "failed", errorClass: "bad-input", message: refusal };
  }

  const controller = new AbortController();
  let stopReason: StopReason | null = null;
  const stop = (reason: StopReason) => {
    stopReason ??= reason;
    controller.abort(reason);
  };
  const onRelease = () => stop("released");
  if (release.aborted) onRelease();
  release.addEventListener("abort", onRelease, { once: true });
  let checking = false;
  const watcher = setInterval(() => {
    if (checking) return;
    checking = true;
    checkJobOwner(db, owner)
      .then(({ owned, cancelled }) => (cancelled ? stop("cancelled") : owned ? undefined : stop("taken")))
      .catch(() => undefined) // the database is briefly away: check again next tick
      .finally(() => (checking = false));
  }, settings.cancelPollMs);

  const reporter = createJobReporter({ jobId: job.id, post: files.postBatch, upload: files.uploadArtifact, onError: log });
  const ctx: TaskContext = { report: reporter.report, signal: controller.signal, config };
  let vram: VramRecorder | null = null;
  const sample = (gpus: readonly number[] | undefined) => {
    if (host.device === "cuda" && gpus && gpus.length > 0) {
      vram = startVramRecorder({ jobId: job.id, post: files.postBatch, gpus, ...(deps.nvidiaSmi && { command: deps.nvidiaSmi }), onWarning: (message) => reporter.report({ type: "log", level: "warning", message }), onError: log });
    }
  };

  let outcome: JobOutcome;
  try {
    const runners: Record<JobRunner, () => Promise<JobOutcome>> = {
      probe: async () => {
        const payload = probePayload(job, host, settings.scratchDir, settings.probeScale);
        sample(payload.cudaDevices);
        const probed = probeOutcome(await TASKS.probe(payload, ctx));
        if (payload.scale !== "tiny" || probed.kind === "released") return probed;
        // tiny shapes check the pipeline end to end; their peak says nothing about this plan's prediction
        reporter.report({ type: "log", level: "info", message: "probe ran at tiny shapes (no GPU here): its peak is kept in probe-result.json, not compared with the prediction" });
        return { ...probed, measuredPeakBytes: null };
      },
      upstream: async () => {
        const payload = upstreamPayload(job, host, settings.scratchDir);
        sample(payload.cudaDevices);
        return probeOutcome(await TASKS.upstream(payload, ctx));
      },
      liveavatar: async () => {
        const payload = await liveavatarPayload(db, job, host, config, files);
        sample(payload.cudaDevices);
        await TASKS.liveavatar(payload, ctx);
        return { kind: "succeeded", measuredPeakBytes: null };
      },
    };
    outcome = await runners[job.runner]();
  } catch (error) {
    outcome = failureOutcome(error);
  } finally {
    clearInterval(watcher);
    release.removeEventListener("abort", onRelease);
  }
  if (outcome.kind === "failed" && outcome.errorClass !== "cancelled") {
    // paths and settings are the operator's: they go to this log (and the hosts page), the job gets a sentence a user can act on
    log(`job ${job.id} (${job.runner}) ${outcome.errorClass}: ${outcome.message}`);
    outcome = { ...outcome, message: userFacingFailure(outcome, job.runner) };
  }
  // Shutting down, the job must be handed back within the worker's grace: the last reports get a few seconds, not the
  // transfer's full retries against a web app that may be stopping too (what they could not send is named in the log).
  const lastReports = <T>(promise: Promise<T>, fallback: T): Promise<T> =>
    stopReason === "released" ? Promise.race([promise, delay(RELEASE_REPORTS_MS).then(() => fallback)]) : promise;
  const sampledPeak = vram === null ? null : await lastReports((vram as VramRecorder).stop(), null);
  if (outcome.kind === "failed" && isReportable(outcome.errorClass)) reporter.report({ type: "error", errorClass: outcome.errorClass, message: outcome.message, phase: outcome.phase ?? null });
  await lastReports(reporter.close(), undefined);
  const unsent = reporter.unsent();
  if (outcome.kind === "succeeded" && unsent.length > 0) {
    // a transient class: another attempt (here or on another host) produces and sends them again
    outcome = { kind: "failed", errorClass: "crashed", message: `the run finished but its results could not be sent to the web app (${unsent.join(", ")}); it will be tried again` };
  }
  if (stopReason === "released") return { kind: "released", reason: `released when worker ${settings.name} shut down` };
  // LiveAvatar reports no peak of its own: the sampled one stands in
  if (outcome.kind !== "released" && outcome.measuredPeakBytes == null && sampledPeak !== null) return { ...outcome, measuredPeakBytes: sampledPeak };
  return outcome;
};
