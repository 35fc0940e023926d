import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { ArtifactKind } from "@headroom/db";
import type { WorkerEvent } from "@headroom/protocol";
import { hideHostPathsDeep } from "../runner/host-paths.ts";
import { createBatchOutbox } from "../transfer/batch-outbox.ts";
import type { WebFiles } from "../transfer/web-files.ts";

export type JobReporter = {
  /** ctx.report: the event is kept in order and written with the next batch. */
  report: (event: WorkerEvent) => void;
  /** Writes what is buffered (events, progress, phase, artifacts) and waits for it; batches still waiting go first. */
  flush: () => Promise<void>;
  /** The last write: waits for one more try of what is still waiting, then names in the worker log what never arrived. */
  close: () => Promise<void>;
  /** Results the upload gave up on (after its own retries): a job that produced them but could not deliver them did not succeed. */
  unsent: () => string[];
};

/**
 * Events per POST: well under the web's 2,000 (worker-api/receive-reports.ts), so a backlog after a slow answer goes in
 * a few batches, not one the web refuses.
 */
const EVENTS_PER_BATCH = 500;

/**
 * Events kept while the web cannot take them: ten full batches, minutes of a busy runner's log (tens of lines per 0.5 s,
 * receive-reports.ts); the web's 4 MiB per batch caps it at 40 MiB. Past it the oldest go, named in the worker log.
 */
const MAX_WAITING_EVENTS = 10 * EVENTS_PER_BATCH;

type EventBatch = { seq: number; events: WorkerEvent[]; patch?: { progress?: number; phase?: string } };

type ReporterOptions = {
  jobId: string;
  /** Sends a numbered batch to the web app (WebFiles.postBatch): events in order, the progress/phase patch with them. */
  post: WebFiles["postBatch"];
  /** Sends a result to the web app (WebFiles.uploadArtifact): the web stores and records it once per name. */
  upload: (jobId: string, kind: ArtifactKind, path: string) => Promise<void>;
  flushMs?: number;
  onError?: (message: string) => void;
};

/**
 * Runner events → job events (batched), the row's progress and phase, and artifacts, all sent to the web app over HTTP.
 * Batches go one at a time in order, numbered 1, 2, 3 … for this attempt; one the web could not take after the
 * transfer's retries is kept and sent again first on the next write (batch-outbox.ts), one it refused is named in the
 * worker log and dropped (the job's outcome is settled through the queue).
 */
export const createJobReporter = ({ jobId, post, upload, flushMs = 500, onError = () => {} }: ReporterOptions): JobReporter => {
  let events: WorkerEvent[] = [];
  let seq = 0;
  let artifacts: { kind: ArtifactKind; path: string }[] = [];
  let progress: { progress?: number; phase?: string } = {};
  let chain = Promise.resolve();
  const sent = new Set<string>(); // a file reported twice goes once
  const unsent = new Set<string>();
  const outbox = createBatchOutbox<EventBatch>({
    label: `job ${jobId}`,
    unit: "events",
    post: (batch) => post(jobId, "events", batch),
    sizeOf: (batch) => batch.events.length,
    maxWaiting: MAX_WAITING_EVENTS,
    onError,
  });

  const write = async (isLast = false) => {
    const batch = events;
    const files = artifacts;
    const patch = progress;
    events = [];
    artifacts = [];
    progress = {};
    const parts: WorkerEvent[][] = [];
    for (let i = 0; i < batch.length; i += EVENTS_PER_BATCH) parts.push(batch.slice(i, i + EVENTS_PER_BATCH));
    const hasPatch = Object.keys(patch).length > 0;
    if (parts.length === 0 && hasPatch) parts.push([]);
    const batches = parts.map((part, i): EventBatch => ({ seq: seq + i + 1, events: part, ...(hasPatch && i === parts.length - 1 && { patch }) }));
    seq += batches.length;
    await outbox.send(batches, isLast);
    if (files.length === 0) return;
    for (const file of files) {
      const path = resolve(file.path);
      if (sent.has(path) || !existsSync(path)) continue;
      try {
        await upload(jobId, file.kind, path);
        sent.add(path);
        unsent.delete(path);
      } catch (error) {
        // the next file still goes; this one is named when the job settles
        unsent.add(path);
        onError(`job ${jobId}: could not send ${basename(path)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  let writing = 0;
  const flush = (isLast = false) => {
    writing += 1;
    chain = chain
      .then(() => write(isLast))
      .catch((error: unknown) => onError(`job ${jobId}: could not store events or results: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (writing -= 1));
    return chain;
  };
  // no tick while a write waits on a web that is down: each would retry the waiting batches, and close() waits behind them all
  const timer = setInterval(() => {
    if (writing === 0) void flush();
  }, flushMs);

  return {
    report: (event) => {
      // `t` (the protocol's unix seconds) says when it happened; events without one happened now
      // what the web shows names files, not this host's folders; the upload below still reads the real path
      events.push(hideHostPathsDeep(event.t === undefined ? { ...event, t: Date.now() / 1000 } : event));
      if (event.type === "phase" && event.state === "start") progress.phase = event.phase;
      if (event.type === "progress" && event.of && event.forward !== undefined) progress.progress = Math.min(1, event.forward / event.of);
      if (event.type === "artifact") artifacts.push({ kind: event.kind, path: event.path });
    },
    flush: () => flush(),
    close: async () => {
      clearInterval(timer);
      await flush(true); // the last try: what the web still cannot take is named in the worker log
    },
    unsent: () => [...unsent].map((path) => basename(path)),
  };
};
