import { formatGib, GIB, MIB } from "@headroom/estimator";
import { formatDuration } from "./format.ts";

/** A chunk of one GPU's samples as the database returns it (every intervalMs from startedAt, in MiB). */
export type VramChunkInput = { startedAt: Date | string; intervalMs: number; samplesMib: readonly number[] };
export type VramTraceInput = { gpuIndex: number; peakMib: number; chunks: readonly VramChunkInput[] };

export type TimelinePoint = { seconds: number; bytes: number };

/** Samples as (seconds since `origin`, bytes), in time order. */
export const tracePoints = (chunks: readonly VramChunkInput[], origin: number): TimelinePoint[] =>
  chunks.flatMap((chunk) => {
    const start = new Date(chunk.startedAt).getTime();
    return chunk.samplesMib.map((mib, i) => ({ seconds: (start + i * chunk.intervalMs - origin) / 1000, bytes: mib * MIB }));
  });

/** Keeps at most `max` points, taking each bucket's highest reading so peaks survive. */
export const downsample = (points: readonly TimelinePoint[], max: number): TimelinePoint[] => {
  if (points.length <= max) return [...points];
  const size = points.length / max;
  const out: TimelinePoint[] = [];
  for (let i = 0; i < max; i++) {
    const bucket = points.slice(Math.floor(i * size), Math.floor((i + 1) * size));
    const top = bucket.reduce((best, point) => (point.bytes > best.bytes ? point : best), bucket[0]!);
    out.push(top);
  }
  return out;
};

const W = 640;
const H = 150;
const PAD = { left: 46, right: 12, top: 10, bottom: 22 };

/** One GPU's measured VRAM over time, with the predicted peak and usable VRAM drawn across it. */
export function VramChart({ trace, origin, predictedPeakBytes, usableBytes }: { trace: VramTraceInput; origin: number; predictedPeakBytes: number | null; usableBytes: number | null }) {
  const points = downsample(tracePoints(trace.chunks, origin), 600);
  const maxSeconds = Math.max(1, ...points.map((point) => point.seconds));
  const maxBytes = Math.max(GIB, trace.peakMib * MIB, predictedPeakBytes ?? 0, usableBytes ?? 0) * 1.08;
  const x = (seconds: number) => PAD.left + (seconds / maxSeconds) * (W - PAD.left - PAD.right);
  const y = (bytes: number) => PAD.top + (1 - bytes / maxBytes) * (H - PAD.top - PAD.bottom);
  const path = points.map((point, i) => `${i === 0 ? "M" : "L"}${x(point.seconds).toFixed(1)},${y(point.bytes).toFixed(1)}`).join("");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxBytes / 1.08);
  return (
    <figure className="vram-chart" data-testid="vram-chart">
      <figcaption>
        <b>GPU {trace.gpuIndex}</b> highest reading <b>{trace.peakMib < 100 ? `${trace.peakMib.toFixed(1)} MiB` : formatGib(trace.peakMib * MIB, 2)}</b>
        {predictedPeakBytes !== null && <> · predicted <b>{formatGib(predictedPeakBytes, 2)}</b></>}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`VRAM of GPU ${trace.gpuIndex} over time`}>
        {yTicks.map((bytes) => (
          <g key={bytes}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(bytes)} y2={y(bytes)} className="grid" />
            <text x={PAD.left - 6} y={y(bytes) + 3} textAnchor="end" className="axis">{(bytes / GIB).toFixed(bytes / GIB < 10 ? 1 : 0)}</text>
          </g>
        ))}
        <text x={4} y={PAD.top + 4} className="axis">GiB</text>
        <text x={W - PAD.right} y={H - 6} textAnchor="end" className="axis">{formatDuration(maxSeconds)}</text>
        <text x={PAD.left} y={H - 6} className="axis">0 s</text>
        {usableBytes !== null && (
          <g>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(usableBytes)} y2={y(usableBytes)} className="line-usable" />
            <text x={W - PAD.right - 4} y={y(usableBytes) - 4} textAnchor="end" className="label-usable">usable {formatGib(usableBytes)}</text>
          </g>
        )}
        {predictedPeakBytes !== null && (
          <g data-testid="predicted-peak-line">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(predictedPeakBytes)} y2={y(predictedPeakBytes)} className="line-predicted" />
            <text x={PAD.left + 4} y={y(predictedPeakBytes) - 4} className="label-predicted">predicted peak {formatGib(predictedPeakBytes)}</text>
          </g>
        )}
        {path && <path d={path} className="line-measured" />}
      </svg>
    </figure>
  );
}

/** Every GPU's chart; the prediction for GPU i is the estimate's rank i. */
export function VramTimeline({ traces, origin, predictedPeaks, usableBytes }: { traces: readonly VramTraceInput[]; origin: number; predictedPeaks: readonly number[]; usableBytes: number | null }) {
  if (traces.length === 0) return <p className="muted small">No VRAM samples yet.</p>;
  return (
    <div className="vram-timeline">
      {traces.map((trace) => (
        <VramChart key={trace.gpuIndex} trace={trace} origin={origin} predictedPeakBytes={predictedPeaks[trace.gpuIndex] ?? predictedPeaks[0] ?? null} usableBytes={usableBytes} />
      ))}
    </div>
  );
}
