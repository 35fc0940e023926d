import { allowedErrorBytes, comparedPlan, errorFromRange, liveBytes, type Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { PHASES, type Phase } from "./estimate-types.ts";

/** One phase of an upstream run against estimate(): what was live (allocated + outside the allocator) and what was held. */
export type UpstreamPhaseRow = {
  id: string;
  rank: number;
  phase: Phase;
  predictedBytes: number;
  /** allocated + the bytes outside the allocator: what a capped run would still need (the allocator frees its cache first). */
  liveBytes: number;
  /** nvidia-smi's view, cache included. */
  heldBytes: number;
  errorBytes: number;
  isWithin: boolean;
};

/**
 * estimate() against LiveAvatar's own code phase by phase, not only at the peak: a phase below the peak on the card it
 * ran on can be the peak on a smaller one (decode, with the KV cache on the CPU).
 */
export const compareUpstreamPhases = (m: Measurement): UpstreamPhaseRow[] => {
  if (m.instrument.kind !== "upstream" || m.selfAttention === "sdpa" || !m.ranks.every((rank) => rank.fits === true)) return [];
  const est = estimate(comparedPlan(m));
  return m.ranks.flatMap((rank) =>
    PHASES.flatMap((phase) => {
      const reading = rank.phases[phase];
      const predicted = est.gpus[rank.rank]?.phases.find((p) => p.phase === phase);
      if (!reading || !predicted) return [];
      const live = liveBytes(reading);
      const errorBytes = errorFromRange(predicted.totalBytes, live, reading.deviceUsed);
      return [{ id: m.id, rank: rank.rank, phase, predictedBytes: predicted.totalBytes, liveBytes: live, heldBytes: reading.deviceUsed, errorBytes, isWithin: Math.abs(errorBytes) <= allowedErrorBytes(reading.deviceUsed) }];
    }),
  );
};
