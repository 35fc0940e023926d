import { allowedErrorBytes, comparedPlan, liveBytes, type Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { PHASES, type Phase } from "./estimate-types.ts";
import { measured, type Source } from "./sources.ts";
import { GIB } from "./units.ts";

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
      const errorBytes = predicted.totalBytes - live;
      return [{ id: m.id, rank: rank.rank, phase, predictedBytes: predicted.totalBytes, liveBytes: live, heldBytes: reading.deviceUsed, errorBytes, isWithin: Math.abs(errorBytes) <= allowedErrorBytes(live) }];
    }),
  );
};

/**
 * Upstream's decode phase held this much more than estimate() at 704×384 (one H200, fp8 eager, 2 clips): the VAE
 * decode workspace is the probe's re-implementation's, and LiveAvatar's own WanVAE decode needs more. Not yet a term:
 * one frame size measured, and the probe's decode (the calibrated 23.3 GiB headline run) does not show it. Reports name
 * it where it would decide a plan (report-notes.ts); the next upstream runs at the 24 GB cap settle it.
 */
export const UPSTREAM_DECODE_EXCESS: { bytes: number; pixels: number; measurementId: string; source: Source } = {
  bytes: 3.99 * GIB,
  pixels: 704 * 384,
  measurementId: "upstream-704x384-eager-c2",
  source: measured("data/measurements/upstream-704x384-eager-c2.json", "decode: allocated 25.93 GiB + 1.23 GiB outside the allocator = 27.16 GiB live, estimate() 23.17 GiB"),
};

/** The decode excess carried to another frame by its pixels (an assumption: the VAE's workspace scales with the frame). */
export const upstreamDecodeExcessBytes = (pixels: number): number => (UPSTREAM_DECODE_EXCESS.bytes * pixels) / UPSTREAM_DECODE_EXCESS.pixels;
