import { withTransaction, type DbClient } from "../client.ts";
import { appendJobEvents, type JobEventInput } from "./job-events.ts";
import { updateJob } from "./jobs.ts";
import { appendVramSamples, type AppendVramSamplesInput } from "./vram-series.ts";

/** Which of a job's batches: its attempt (the row's `attempts` while it runs) and the worker's 1, 2, 3 … per stream. */
export type ReportBatchKey = { jobId: string; attempt: number; seq: number };

/** What the job row shows while it runs, from the runner's phase and progress events. */
export type RunningPatch = { progress?: number; phase?: string };

type Stream = "events" | "vram";

/** Claims the batch's key; false when it was stored before (a retry after a lost answer). */
const claimBatch = async (tx: DbClient, stream: Stream, key: ReportBatchKey): Promise<boolean> => {
  const { count } = await tx.jobReportBatch.createMany({ data: [{ ...key, stream }], skipDuplicates: true });
  return count === 1;
};

/**
 * Stores a worker's batch of events in order, and the progress/phase patch while the job runs, once per
 * (job, attempt, seq): the key and the rows go in one transaction, so a batch is either all there or claimable again.
 */
export const storeJobEventBatch = async (
  db: DbClient,
  input: ReportBatchKey & { events: readonly JobEventInput[]; patch: RunningPatch },
): Promise<{ stored: boolean }> =>
  withTransaction(db, async (tx) => {
    const { events, patch, ...key } = input;
    if (!(await claimBatch(tx, "events", key))) return { stored: false };
    await appendJobEvents(tx, key.jobId, events);
    if (Object.keys(patch).length > 0) await updateJob(tx, key.jobId, patch, { ifStateIn: ["running"] });
    return { stored: true };
  });

/** Stores a worker's batch of VRAM chunks (one per GPU) once per (job, attempt, seq). */
export const storeVramBatch = async (
  db: DbClient,
  input: ReportBatchKey & { chunks: readonly Omit<AppendVramSamplesInput, "jobId">[] },
): Promise<{ stored: boolean }> =>
  withTransaction(db, async (tx) => {
    const { chunks, ...key } = input;
    if (!(await claimBatch(tx, "vram", key))) return { stored: false };
    for (const chunk of chunks) await appendVramSamples(tx, { ...chunk, jobId: key.jobId });
    return { stored: true };
  });
