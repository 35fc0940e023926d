import { formatGib, GIB, MIB } from "@headroom/estimator";

export const formatWhen = (date: Date | string): string => {
  const d = new Date(date);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`;
};

export const jobDurationSeconds = (job: { startedAt: Date | null; finishedAt: Date | null }, now = Date.now()): number | null =>
  job.startedAt ? ((job.finishedAt ? new Date(job.finishedAt).getTime() : now) - new Date(job.startedAt).getTime()) / 1000 : null;

export const gib = (bytes: number | null): string =>
  bytes === null ? "—" : bytes < 0.1 * GIB ? `${(bytes / MIB).toFixed(1)} MiB` : formatGib(bytes, 2);

/** A file's size as people read one: "840 B", "12 KB", "3.4 MB" (decimal units, as file managers show them). */
export const fileSize = (bytes: number): string =>
  bytes < 1e3 ? `${bytes} B` : bytes < 1e6 ? `${(bytes / 1e3).toFixed(0)} KB` : `${(bytes / 1e6).toFixed(1)} MB`;

/** Measured against predicted, signed: +4.1 % means the GPU used more than predicted. */
export const peakDelta = (predicted: number | null, measured: number | null): { text: string; isOutsideBar: boolean } | null => {
  if (!predicted || measured === null) return null;
  const relative = (measured - predicted) / predicted;
  const isOutsideBar = Math.abs(measured - predicted) > Math.max(0.03 * measured, 0.5 * GIB);
  return { text: `${relative >= 0 ? "+" : ""}${(relative * 100).toFixed(1)} %`, isOutsideBar };
};
