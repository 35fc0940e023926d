import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { appendJobEvents, updateJob, type ArtifactKind, type DbClient, type JobEventInput, type JsonObject } from "@headroom/db";
import type { WorkerEvent } from "@headroom/protocol";

export type JobReporter = {
  /** ctx.report: the event is kept in order and written with the next batch. */
  report: (event: WorkerEvent) => void;
  /** Writes what is buffered (events, progress, phase, artifacts) and waits for it. */
  flush: () => Promise<void>;
  close: () => Promise<void>;
  /** Results the upload gave up on (after its own retries): a job that produced them but could not deliver them did not succeed. */
  unsent: () => string[];
};

type ReporterOptions = {
  db: DbClient;
  jobId: string;
  /** Sends a result to the web app (WebFiles.uploadArtifact): the web stores and records it once per name. */
  upload: (jobId: string, kind: ArtifactKind, path: string) => Promise<void>;
  flushMs?: number;
  onError?: (message: string) => void;
};

/** Runner events → job events (batched), the row's progress and phase, and artifacts uploaded to the web app. */
export const createJobReporter = ({ db, jobId, upload, flushMs = 500, onError = () => {} }: ReporterOptions): JobReporter => {
  let events: JobEventInput[] = [];
  let artifacts: { kind: ArtifactKind; path: string }[] = [];
  let progress: { progress?: number; phase?: string } = {};
  let chain = Promise.resolve();
  const sent = new Set<string>(); // a file reported twice goes once
  const unsent = new Set<string>();

  const write = async () => {
    const batch = events;
    const files = artifacts;
    const patch = progress;
    events = [];
    artifacts = [];
    progress = {};
    if (batch.length > 0) await appendJobEvents(db, jobId, batch);
    if (Object.keys(patch).length > 0) await updateJob(db, jobId, patch, { ifStateIn: ["running"] });
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
  const flush = () => {
    chain = chain.then(write).catch((error: unknown) => onError(`job ${jobId}: could not store events or results: ${error instanceof Error ? error.message : String(error)}`));
    return chain;
  };
  const timer = setInterval(() => void flush(), flushMs);

  return {
    report: (event) => {
      events.push({ type: event.type, payload: event as JsonObject, at: event.t ? new Date(event.t * 1000) : new Date() });
      if (event.type === "phase" && event.state === "start") progress.phase = event.phase;
      if (event.type === "progress" && event.of && event.forward !== undefined) progress.progress = Math.min(1, event.forward / event.of);
      if (event.type === "artifact") artifacts.push({ kind: event.kind, path: event.path });
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
    unsent: () => [...unsent].map((path) => basename(path)),
  };
};
