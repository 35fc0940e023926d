import { z } from "zod";
import { estimate } from "./estimate.ts";
import { ERROR_BAR } from "./error-bar.ts";
import { PHASES, type Phase } from "./estimate-types.ts";
import { Plan } from "./plan.ts";

const PhaseReading = z.object({ allocated: z.number(), reserved: z.number(), deviceUsed: z.number() });

/** A probe measurement as committed under data/measurements (see its README). */
export const Measurement = z.object({
  id: z.string(),
  command: z.string(),
  date: z.string(),
  gpu: z.string(),
  torchVersion: z.string(),
  capBytes: z.number().nullable(),
  plan: Plan,
  ranks: z.array(
    z.object({
      rank: z.number().int(),
      phases: z.partialRecord(z.enum(PHASES), PhaseReading),
      fits: z.boolean().nullable(),
      oomPhase: z.enum(PHASES).nullable().optional(),
      secondsPerForward: z.number().nullable().optional(),
    }),
  ),
});
export type Measurement = z.infer<typeof Measurement>;

export type PhaseComparison = { rank: number; phase: Phase; predictedBytes: number; measuredBytes: number; errorBytes: number; allowedBytes: number; isWithin: boolean };

export type PeakComparison = { rank: number; predictedBytes: number; measuredBytes: number; errorBytes: number; allowedBytes: number; isWithin: boolean };

export type MeasurementComparison = {
  id: string;
  gpu: string;
  measuredFits: boolean;
  predictedFits: boolean;
  verdictAgrees: boolean;
  /** Each rank's peak over the phases, the number the error bar is about. */
  peaks: PeakComparison[];
  /** Phases a run that fit completed: each compared on the device bytes it used (nvidia-smi's view). */
  phases: PhaseComparison[];
  /** Where the run ran out, the phase it ran out in, and the one Headroom predicts. */
  measuredOomPhase: Phase | null;
  predictedOomPhase: Phase | null;
};

/**
 * What a phase needed: the device bytes it used (nvidia-smi's view) — except where a capped run pushed the
 * allocator to the cap, where it frees its cache and retries, so reserved says "the cap", not "the need":
 * there allocated + the bytes outside the allocator is the need.
 */
const AT_CAP_BYTES = 0.1 * 1024 ** 3;
const neededBytes = (reading: z.infer<typeof PhaseReading>, capBytes: number): number =>
  reading.deviceUsed >= capBytes - AT_CAP_BYTES ? reading.allocated + (reading.deviceUsed - reading.reserved) : reading.deviceUsed;

export const allowedErrorBytes = (measuredBytes: number): number => Math.max(ERROR_BAR.relative * measuredBytes, ERROR_BAR.absoluteBytes);

/** Predicted vs measured for one committed run: per-phase peaks where it fit, the fit/OOM verdict always. */
export const compareMeasurement = (m: Measurement): MeasurementComparison => {
  const est = estimate(m.plan);
  const capBytes = m.capBytes ?? Infinity;
  const measuredFits = m.ranks.every((rank) => rank.fits === true);
  const overCap = est.gpus.filter((gpu) => gpu.peakBytes > Math.min(capBytes, gpu.usableBytes));
  const firstOver = (rank: number) => est.gpus[rank]?.phases.find((phase) => phase.totalBytes > Math.min(capBytes, est.gpus[rank]!.usableBytes))?.phase ?? null;
  const phases: PhaseComparison[] = [];
  if (measuredFits) {
    for (const rank of m.ranks) {
      const gpu = est.gpus[rank.rank];
      if (!gpu) continue;
      for (const phase of PHASES) {
        const reading = rank.phases[phase];
        const predicted = gpu.phases.find((p) => p.phase === phase);
        if (!reading || !predicted || predicted.totalBytes === 0) continue;
        const measuredBytes = neededBytes(reading, capBytes);
        const errorBytes = predicted.totalBytes - measuredBytes;
        const allowedBytes = allowedErrorBytes(measuredBytes);
        phases.push({ rank: rank.rank, phase, predictedBytes: predicted.totalBytes, measuredBytes, errorBytes, allowedBytes, isWithin: Math.abs(errorBytes) <= allowedBytes });
      }
    }
  }
  const peaks: PeakComparison[] = [];
  for (const rank of m.ranks) {
    const mine = phases.filter((p) => p.rank === rank.rank);
    const gpu = est.gpus[rank.rank];
    if (mine.length === 0 || !gpu) continue;
    const measuredBytes = Math.max(...mine.map((p) => p.measuredBytes));
    const errorBytes = gpu.peakBytes - measuredBytes;
    const allowedBytes = allowedErrorBytes(measuredBytes);
    peaks.push({ rank: rank.rank, predictedBytes: gpu.peakBytes, measuredBytes, errorBytes, allowedBytes, isWithin: Math.abs(errorBytes) <= allowedBytes });
  }
  const oomRank = m.ranks.find((rank) => rank.fits === false);
  return {
    id: m.id,
    gpu: m.gpu,
    measuredFits,
    predictedFits: overCap.length === 0,
    verdictAgrees: measuredFits === (overCap.length === 0),
    peaks,
    phases,
    measuredOomPhase: oomRank?.oomPhase ?? null,
    predictedOomPhase: oomRank ? firstOver(oomRank.rank) : overCap[0] ? firstOver(overCap[0].rank) : null,
  };
};

export type CalibrationSummary = { measurements: number; peaks: number; peaksWithin: number; maxErrorBytes: number; medianErrorBytes: number; verdictAgreement: number };

export const summarizeCalibration = (comparisons: MeasurementComparison[]): CalibrationSummary => {
  const errors = comparisons.flatMap((c) => c.peaks.map((p) => Math.abs(p.errorBytes))).sort((a, b) => a - b);
  return {
    measurements: comparisons.length,
    peaks: errors.length,
    peaksWithin: comparisons.reduce((n, c) => n + c.peaks.filter((p) => p.isWithin).length, 0),
    maxErrorBytes: errors.at(-1) ?? 0,
    medianErrorBytes: errors[Math.floor(errors.length / 2)] ?? 0,
    verdictAgreement: comparisons.filter((c) => c.verdictAgrees).length,
  };
};
