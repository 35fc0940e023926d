import { spawn } from "node:child_process";
import { createLineSplitter } from "../runner/line-splitter.ts";
import { parseVramSample, VRAM_QUERY_ARGS, type VramReading } from "./parse-vram-sample.ts";

/** A reading stamped with the worker's clock when it arrived (ms since the epoch). */
export type VramSample = VramReading & { t: number };

export type VramSamplerOptions = {
  /** FR-27 samples every 100 ms. */
  intervalMs?: number;
  command?: string;
  onSample: (sample: VramSample) => void;
  /** Called at most once: nvidia-smi missing or failing means no samples, not a failed job. */
  onWarning?: (message: string) => void;
  now?: () => number;
};

export type VramSampler = {
  /** Ends the sampling process and waits for it. */
  stop: () => Promise<void>;
  /** Settles when nvidia-smi has ended, stopped or by itself. */
  done: Promise<void>;
  /** The highest reading per GPU so far, MiB: the job's measured peak. */
  peakMiB: () => Record<number, number>;
};

/**
 * One long-lived `nvidia-smi … -lms <interval>` for the whole job, so the worker's own cost is one process,
 * not one exec per tick.
 */
export const startVramSampler = (options: VramSamplerOptions): VramSampler => {
  const { intervalMs = 100, command = "nvidia-smi", onSample, now = Date.now } = options;
  const peaks: Record<number, number> = {};
  let warned = false;
  let stopping = false;
  const warn = (message: string) => {
    if (!warned) options.onWarning?.(message);
    warned = true;
  };
  const child = spawn(command, [...VRAM_QUERY_ARGS, "-lms", String(intervalMs)], { stdio: ["ignore", "pipe", "pipe"] });
  const lines = createLineSplitter((line) => {
    const reading = parseVramSample(line);
    if (reading === null) {
      if (line.trim() !== "") warn(`nvidia-smi: ${line.trim()}`);
      return;
    }
    peaks[reading.gpu] = Math.max(peaks[reading.gpu] ?? 0, reading.usedMiB);
    onSample({ ...reading, t: now() });
  });
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", lines.push);
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk.slice(0, 2000)));
  const exited = new Promise<void>((resolve) => {
    child.on("error", (error: NodeJS.ErrnoException) => {
      warn(error.code === "ENOENT" ? `${command} not found: no VRAM samples` : `${command}: ${error.message}`);
      resolve();
    });
    child.on("close", (code) => {
      lines.end();
      if (!stopping && code !== 0) warn(`${command} exited with ${code}${stderr ? `: ${stderr.trim().split("\n")[0]}` : ""}: no more VRAM samples`);
      resolve();
    });
  });
  return {
    stop: () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGTERM");
      return exited;
    },
    done: exited,
    peakMiB: () => ({ ...peaks }),
  };
};
