import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { basename, extname, isAbsolute, join, relative, resolve } from "node:path";
import { appendJobEvents, listArtifacts, recordArtifact, updateJob, type ArtifactKind, type DbClient, type JobEventInput, type JsonObject } from "@headroom/db";
import type { WorkerEvent } from "../protocol/events.ts";
import { jobDir } from "./task-payload.ts";

export type JobReporter = {
  /** ctx.report: the event is kept in order and written with the next batch. */
  report: (event: WorkerEvent) => void;
  /** Writes what is buffered (events, progress, phase, artifacts) and waits for it. */
  flush: () => Promise<void>;
  close: () => Promise<void>;
};

const MIME: Record<string, string> = { ".mp4": "video/mp4", ".json": "application/json", ".log": "text/plain", ".txt": "text/plain" };

type ReporterOptions = {
  db: DbClient;
  jobId: string;
  teamId: string;
  storageDir: string;
  flushMs?: number;
  onError?: (message: string) => void;
};

/** Runner events → job events (batched), the row's progress and phase, and artifacts recorded under the storage root. */
export const createJobReporter = ({ db, jobId, teamId, storageDir, flushMs = 500, onError = () => {} }: ReporterOptions): JobReporter => {
  let events: JobEventInput[] = [];
  let artifacts: { kind: ArtifactKind; path: string }[] = [];
  let progress: { progress?: number; phase?: string } = {};
  let chain = Promise.resolve();
  const root = resolve(storageDir);

  /** The file as a path under the storage root; a file the runner left elsewhere is copied into the job's folder. */
  const stored = (path: string): string => {
    const absolute = isAbsolute(path) ? path : resolve(path);
    const inside = relative(root, absolute);
    if (!inside.startsWith("..") && !isAbsolute(inside)) return inside;
    const dir = jobDir(root, jobId);
    mkdirSync(dir, { recursive: true });
    copyFileSync(absolute, join(dir, basename(absolute)));
    return relative(root, join(dir, basename(absolute)));
  };

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
    const known = new Set((await listArtifacts(db, { teamId, jobId })).map((a) => a.path));
    for (const file of files) {
      if (!existsSync(file.path)) continue;
      const path = stored(file.path);
      if (known.has(path)) continue; // a retried run rewrites the same files
      known.add(path);
      await recordArtifact(db, { jobId, kind: file.kind, path, bytes: statSync(join(root, path)).size, mime: MIME[extname(path)] ?? "application/octet-stream" });
    }
  };
  const flush = () => {
    chain = chain.then(write).catch((error: unknown) => onError(`job ${jobId}: could not store events: ${error instanceof Error ? error.message : String(error)}`));
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
  };
};
