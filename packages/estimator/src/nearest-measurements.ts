import { compareMeasurement, Measurement, type MeasurementComparison } from "./calibration.ts";
import type { Phase } from "./estimate-types.ts";
import type { Plan } from "./plan.ts";
import { planDifferences, type PlanDifference } from "./plan-diff.ts";
import { resolveGpu } from "./resolve-gpu.ts";
import { standInOf } from "./stand-in.ts";
import { formatGib, formatGibValue, GIB } from "./units.ts";

/** A measurement file as read from disk: its name and its parsed JSON (or the reason it could not be read). */
export type MeasurementFile = { name: string; json: unknown };

/** A committed probe run with this estimator's prediction for it: all a report needs, small enough to send to a browser. */
export type MeasuredRun = {
  /** Its file name under data/measurements. */
  file: string;
  id: string;
  /** The card it ran on, as the driver names it. */
  gpu: string;
  capBytes: number | null;
  plan: Plan;
  comparison: MeasurementComparison;
  /** How the run stood in for `plan` ("measured in bf16, the plan asks bf16+fp8"); [] when it ran the plan as written. */
  standIn: string[];
};

/** The files that are probe measurements, each compared with its prediction; anything else is left out. */
export const measuredRunsFrom = (files: readonly MeasurementFile[]): MeasuredRun[] =>
  files.flatMap((file) => {
    const parsed = Measurement.safeParse(file.json);
    if (!parsed.success) return [];
    const { id, gpu, capBytes, plan } = parsed.data;
    return [{ file: file.name, id, gpu, capBytes, plan, comparison: compareMeasurement(parsed.data), standIn: standInOf(parsed.data) }];
  });

/** The fullest rank of a run that fit: its measured peak, the phase it came in, and how far the prediction was. */
export type MeasuredPeak = {
  rank: number;
  phase: Phase;
  measuredBytes: number;
  predictedBytes: number;
  errorBytes: number;
  allowedBytes: number;
  isWithin: boolean;
};

export type MeasuredNeighbour = {
  id: string;
  file: string;
  gpu: string;
  capBytes: number | null;
  ranks: number;
  measuredFits: boolean;
  /** null where the run ran out of memory (then see the OOM phases). */
  peak: MeasuredPeak | null;
  measuredOomPhase: Phase | null;
  predictedFits: boolean;
  predictedOomPhase: Phase | null;
  verdictAgrees: boolean;
  /** What the measured plan sets differently from the plan being checked. */
  differences: PlanDifference[];
  /** How the run stood in for its own plan: another precision, fewer ranks, ranks sharing a GPU ([] if none). */
  standIn: string[];
  /** "measured on NVIDIA H100 80GB HBM3, cap 23.65 GiB: 22.88 GiB peak (predicted 23.37)" */
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

const fullestPeak = (c: MeasurementComparison): MeasuredPeak | null => {
  const peak = c.peaks.reduce<MeasurementComparison["peaks"][number] | null>((top, p) => (top === null || p.measuredBytes > top.measuredBytes ? p : top), null);
  if (!peak) return null;
  const phase = c.phases.filter((p) => p.rank === peak.rank).reduce((top, p) => (p.measuredBytes > top.measuredBytes ? p : top));
  return { ...peak, phase: phase.phase };
};

const summarize = (run: MeasuredRun, peak: MeasuredPeak | null): string => {
  const c = run.comparison;
  const cap = run.capBytes === null ? "uncapped" : `cap ${formatGib(run.capBytes, 2)}`;
  const overCard = c.overCapBytes > 0 ? `; held ${formatGib(c.overCapBytes, 2)} more than the card (the cap binds PyTorch's allocator only): does not fit` : "";
  const result = peak
    ? `${formatGib(peak.measuredBytes, 2)} peak (predicted ${formatGibValue(peak.predictedBytes)})${overCard}`
    : `out of memory at ${c.measuredOomPhase ?? "?"} (predicted ${c.predictedFits ? "fits" : `OOM at ${c.predictedOomPhase ?? "?"}`})`;
  const standIn = run.standIn.length > 0 ? ` (stand-in: ${run.standIn.join("; ")})` : "";
  return `measured on ${run.gpu}, ${cap}: ${result}${standIn}`;
};

/** The committed runs closest to a plan, each with what it measured, what was predicted and how its plan differs. */
export const nearestMeasurements = (plan: Plan, runs: readonly MeasuredRun[], limit = 3): MeasuredNeighbour[] =>
  runs
    .map((run) => ({ run, distance: planDistance(plan, run.plan), differences: planDifferences(plan, run.plan) }))
    // Among equally near runs, the one whose plan differs in fewest fields (fsdp_wrap block vs model weigh the same above).
    .sort((x, y) => x.distance - y.distance || x.differences.length - y.differences.length || x.run.id.localeCompare(y.run.id))
    .slice(0, limit)
    .map(({ run, distance, differences }) => {
      const c = run.comparison;
      const peak = fullestPeak(c);
      return {
        id: run.id,
        file: run.file,
        gpu: run.gpu,
        capBytes: run.capBytes,
        ranks: run.plan.hardware.count,
        measuredFits: c.measuredFits,
        peak,
        measuredOomPhase: c.measuredOomPhase,
        predictedFits: c.predictedFits,
        predictedOomPhase: c.predictedOomPhase,
        verdictAgrees: c.verdictAgrees,
        differences,
        standIn: run.standIn,
        summary: summarize(run, peak),
        distance,
      };
    });
