import type { DbClient } from "../client.ts";
import { decodeVramSamples, encodeVramSamples, type VramChunk } from "../vram-samples.ts";
import { assertTeamJob, rethrowNotFound } from "./not-found.ts";

export const VRAM_SAMPLE_INTERVAL_MS = 100;

export type AppendVramSamplesInput = {
  jobId: string;
  gpuIndex: number;
  /** When this chunk's first sample was taken. */
  startedAt: Date;
  intervalMs?: number;
  samplesMib: readonly number[];
};

/** One GPU's series: its chunks in time order and the highest reading. */
export type VramTraceDto = { gpuIndex: number; peakMib: number; chunks: VramChunk[] };

/** Stores one chunk (one row) of a GPU's samples; the sampler calls this every few seconds. */
export const appendVramSamples = async (db: DbClient, input: AppendVramSamplesInput): Promise<{ sampleCount: number }> => {
  if (input.samplesMib.length === 0) return { sampleCount: 0 };
  const row = await db.vramSeries
    .create({
      data: {
        jobId: input.jobId,
        gpuIndex: input.gpuIndex,
        startedAt: input.startedAt,
        intervalMs: input.intervalMs ?? VRAM_SAMPLE_INTERVAL_MS,
        sampleCount: input.samplesMib.length,
        samples: encodeVramSamples(input.samplesMib),
      },
      select: { sampleCount: true },
    })
    .catch(rethrowNotFound("job", input.jobId));
  return row;
};

/** The team's job's VRAM timeline, per GPU. */
export const getVramSeries = async (db: DbClient, input: { teamId: string; jobId: string }): Promise<VramTraceDto[]> => {
  await assertTeamJob(db, input.teamId, input.jobId);
  const rows = await db.vramSeries.findMany({
    where: { jobId: input.jobId },
    select: { gpuIndex: true, startedAt: true, intervalMs: true, samples: true },
    orderBy: [{ gpuIndex: "asc" }, { startedAt: "asc" }, { id: "asc" }],
  });
  const traces = new Map<number, VramTraceDto>();
  for (const row of rows) {
    const samplesMib = decodeVramSamples(row.samples);
    const trace = traces.get(row.gpuIndex) ?? { gpuIndex: row.gpuIndex, peakMib: 0, chunks: [] };
    trace.chunks.push({ startedAt: row.startedAt, intervalMs: row.intervalMs, samplesMib });
    trace.peakMib = samplesMib.reduce((peak, mib) => Math.max(peak, mib), trace.peakMib);
    traces.set(row.gpuIndex, trace);
  }
  return [...traces.values()];
};
