import { VRAM_SAMPLE_INTERVAL_MS } from "@headroom/db";
import type { WebFiles } from "../transfer/web-files.ts";
import { startVramSampler } from "../vram/vram-sampler.ts";

const MIB = 1024 * 1024;

export type VramRecorder = {
  /** Stops sampling, writes the last chunks and returns the highest reading of the job's GPUs, in bytes. */
  stop: () => Promise<number | null>;
};

type Chunk = { startedAt: Date; samplesMib: number[] };

/**
 * Samples the job's GPUs every 100 ms (one long-lived nvidia-smi) while its child runs and sends the series to the web
 * app in chunks every few seconds, numbered batches in order. No nvidia-smi: one warning and no samples; a batch the
 * web could not take: a line in the worker log. Never a failed job.
 */
export const startVramRecorder = (options: {
  jobId: string;
  /** WebFiles.postBatch: the web stores a batch number once. */
  post: WebFiles["postBatch"];
  gpus: readonly number[];
  flushMs?: number;
  command?: string;
  onWarning: (message: string) => void;
  /** The worker log. */
  onError: (message: string) => void;
}): VramRecorder => {
  const { jobId, gpus } = options;
  let chunks = new Map<number, Chunk>();
  let seq = 0;
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
    if (full.size === 0) return chain;
    seq += 1;
    const batch = { seq, chunks: [...full].map(([gpuIndex, chunk]) => ({ gpuIndex, startedAt: chunk.startedAt.toISOString(), samplesMib: chunk.samplesMib })) };
    chain = chain
      .then(() => options.post(jobId, "vram-samples", batch))
      .catch((error: unknown) => options.onError(`job ${jobId}: VRAM samples not sent to the web app (batch ${batch.seq}): ${error instanceof Error ? error.message : String(error)}`));
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
