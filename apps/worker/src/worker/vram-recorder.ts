import { VRAM_SAMPLE_INTERVAL_MS } from "@headroom/db";
import { createBatchOutbox } from "../transfer/batch-outbox.ts";
import type { WebFiles } from "../transfer/web-files.ts";
import { startVramSampler } from "../vram/vram-sampler.ts";

const MIB = 1024 * 1024;

/**
 * Samples kept while the web cannot take them: ten minutes of 100 ms samples on 16 GPUs (the web's per-chunk and
 * per-batch limits, receive-reports.ts), under 1 MiB of numbers. Past it the oldest go, named in the worker log.
 */
const MAX_WAITING_SAMPLES = ((10 * 60 * 1000) / VRAM_SAMPLE_INTERVAL_MS) * 16;

export type VramRecorder = {
  /** Stops sampling, writes the last chunks and returns the highest reading of the job's GPUs, in bytes. */
  stop: () => Promise<number | null>;
};

type Chunk = { startedAt: Date; samplesMib: number[] };
type VramBatch = { seq: number; chunks: { gpuIndex: number; startedAt: string; samplesMib: number[] }[] };

/**
 * Samples the job's GPUs every 100 ms (one long-lived nvidia-smi) while its child runs and sends the series to the web
 * app in chunks every few seconds, numbered batches in order. No nvidia-smi: one warning and no samples; a batch the
 * web could not take now: kept and sent again first (batch-outbox.ts); one it refused: a line in the worker log. Never a
 * failed job.
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
  const outbox = createBatchOutbox<VramBatch>({
    label: `job ${jobId}`,
    unit: "VRAM samples",
    post: (batch) => options.post(jobId, "vram-samples", batch),
    sizeOf: (batch) => batch.chunks.reduce((sum, chunk) => sum + chunk.samplesMib.length, 0),
    maxWaiting: MAX_WAITING_SAMPLES,
    onError: options.onError,
  });
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
  let writing = 0;
  const flush = (isLast = false) => {
    const full = chunks;
    chunks = new Map();
    const batches: VramBatch[] = [];
    if (full.size > 0) {
      seq += 1;
      batches.push({ seq, chunks: [...full].map(([gpuIndex, chunk]) => ({ gpuIndex, startedAt: chunk.startedAt.toISOString(), samplesMib: chunk.samplesMib })) });
    }
    // with nothing new, still a try for the batches waiting
    writing += 1;
    chain = chain.then(() => outbox.send(batches, isLast)).finally(() => (writing -= 1));
    return chain;
  };
  // no tick while a send waits on a web that is down: the samples stay in their chunk for the next (the web takes ten minutes' worth)
  const timer = setInterval(() => {
    if (writing === 0) void flush();
  }, options.flushMs ?? 5000);
  return {
    stop: async () => {
      clearInterval(timer);
      await sampler.stop();
      await flush(true);
      const peaks = Object.entries(sampler.peakMiB()).filter(([gpu]) => gpus.includes(Number(gpu))).map(([, mib]) => mib);
      return peaks.length > 0 ? Math.max(...peaks) * MIB : null;
    },
  };
};
