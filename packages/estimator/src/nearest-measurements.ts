import type { MeasurementComparison } from "./calibration.ts";
import type { Measurement } from "./calibration.ts";
import type { Plan } from "./plan.ts";
import { resolveGpu } from "./resolve-gpu.ts";
import { GIB } from "./units.ts";

export type MeasuredNeighbour = {
  id: string;
  /** "measured on NVIDIA H100 80GB HBM3, cap 23.65 GiB: 22.88 GiB at denoise (predicted 23.37)" */
  summary: string;
  distance: number;
};

/** How far a measured plan is from this one: the fields that move memory most weigh most. */
const planDistance = (a: Plan, b: Plan): number => {
  const p = a.params, q = b.params;
  const usable = (plan: Plan) => resolveGpu(plan.hardware).usableBytes;
  return (
    (a.parallel.mode !== b.parallel.mode ? 8 : 0) +
    (a.hardware.count !== b.hardware.count ? 4 : 0) +
    (a.parallel.ditFsdp !== b.parallel.ditFsdp ? 4 : 0) +
    (p.size !== q.size ? 2 : 0) +
    (p.inferFrames !== q.inferFrames ? 2 : 0) +
    (p.fp8 !== q.fp8 ? 3 : 0) +
    (p.offloadKvCache !== q.offloadKvCache ? 3 : 0) +
    (p.quantizeOnCpu !== q.quantizeOnCpu ? 2 : 0) +
    (p.t5Cpu !== q.t5Cpu ? 1 : 0) +
    (p.enableOnlineDecode !== q.enableOnlineDecode ? 1 : 0) +
    Math.abs(usable(a) - usable(b)) / (16 * GIB)
  );
};

/** The committed measurements closest to a plan, each as one line a report can show beside its prediction. */
export const nearestMeasurements = (plan: Plan, measurements: readonly Measurement[], comparisons: readonly MeasurementComparison[], limit = 3): MeasuredNeighbour[] =>
  measurements
    .map((m) => ({ m, c: comparisons.find((candidate) => candidate.id === m.id), distance: planDistance(plan, m.plan) }))
    .sort((x, y) => x.distance - y.distance || x.m.id.localeCompare(y.m.id))
    .slice(0, limit)
    .map(({ m, c, distance }) => {
      const cap = m.capBytes === null ? "uncapped" : `cap ${(m.capBytes / GIB).toFixed(2)} GiB`;
      const peak = c?.peaks[0];
      const result = peak
        ? `${(peak.measuredBytes / GIB).toFixed(2)} GiB peak (predicted ${(peak.predictedBytes / GIB).toFixed(2)})`
        : `out of memory at ${c?.measuredOomPhase ?? "?"} (predicted ${c?.predictedFits ? "fits" : `OOM at ${c?.predictedOomPhase ?? "?"}`})`;
      return { id: m.id, summary: `measured on ${m.gpu}, ${cap}: ${result}`, distance };
    });
