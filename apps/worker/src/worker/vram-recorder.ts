import { appendVramSamples, VRAM_SAMPLE_INTERVAL_MS, type DbClient } from "@headroom/db";
import { startVramSampler } from "../vram/vram-sampler.ts";

const MIB = 1024 * 1024;

export type VramRecorder = {
  /** Stops sampling, writes the last chunks and returns the highest reading of the job's GPUs, in bytes. */
  stop: () => Promise<number | null>;
};

type Chunk = { startedAt: Date; samplesMib: number[] };

/**
 * Samples the job's GPUs every 100 ms (one long-lived nvidia-smi) while its child runs and stores the series in
 * chunks every few seconds. No nvidia-smi: one warning and no samples, never a failed job.
 */
export const startVramRecorder = (options: {
  db: DbClient;
  jobId: string;
  gpus: readonly number[];
  flushMs?: number;
  command?: string;
  onWarning: (message: string) => void;
}): VramRecorder => {
  const { db, jobId, gpus } = options;
  let chunks = new Map<number, Chunk>();
  let chain = Promise.resolve();
  const sampler = startVramSampler({
    intervalMs: VRAM_SAMPLE_INTERVAL_MS,
    ...(options.command && { command: options.command }),
    onWarning: options.onWarning,
    onSample: (sample) => {
      if (!gpus.includes(sample.gpu)) return;
      const chunk = chunks.get(sample.gpu) ?? { startedAt: new Date(sample.t), samplesMib: [] };
      chunk.samplesMib.push(sample.usedMiB);
      chunks.set(sample.gpu, chunk);
    },
  });
  const flush = () => {
    const full = chunks;
    chunks = new Map();
    chain = chain
      .then(async () => {
        for (const [gpuIndex, chunk] of full) await appendVramSamples(db, { jobId, gpuIndex, ...chunk });
      })
      .catch((error: unknown) => options.onWarning(`VRAM samples not stored: ${error instanceof Error ? error.message : String(error)}`));
    return chain;
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 5000);
  return {
    stop: async () => {
      clearInterval(timer);
      await sampler.stop();
      await flush();
      const peaks = Object.entries(sampler.peakMiB()).filter(([gpu]) => gpus.includes(Number(gpu))).map(([, mib]) => mib);
      return peaks.length > 0 ? Math.max(...peaks) * MIB : null;
    },
  };
};
