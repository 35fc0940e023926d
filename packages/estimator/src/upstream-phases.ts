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
 * What upstream's decode phase still needs beyond estimate() at 704×384 (one H200, fp8 eager, 2 clips), once the
 * previous clip's frames are a term (read from the source: 1.25 GiB of the 3.99 GiB first seen). The rest is read as
 * the VAE's precision: Wan2_1_VAE.decode and .encode run under amp.autocast(bf16), where RMS_norm's F.normalize
 * computes in fp32, so upstream's decoder keeps fp32 activations and fp32 conv caches where the probe's (no autocast up
 * to 0.4.0) keeps bf16; probe 0.5.0 runs its VAE under autocast as upstream does. Not yet a term: not measured apart,
 * and one frame size. Reports name it where it would decide a plan (report-notes.ts).
 */
export const UPSTREAM_DECODE_EXCESS: { bytes: number; pixels: number; measurementId: string; source: Source } = {
  bytes: 2.72 * GIB,
  pixels: 704 * 384,
  measurementId: "upstream-704x384-eager-c2",
  source: measured(
    "data/measurements/upstream-704x384-eager-c2.json",
    "decode: allocated 25.93 GiB + 1.23 GiB outside the allocator = 27.16 GiB live, estimate() 24.44 GiB (previous clip's frames included)",
  ),
};
/** The decode excess carried to another frame by its pixels (an assumption: the VAE's workspace scales with the frame). */
export const upstreamDecodeExcessBytes = (pixels: number): number => (UPSTREAM_DECODE_EXCESS.bytes * pixels) / UPSTREAM_DECODE_EXCESS.pixels;

/**
 * LiveAvatar's own code on the two RTX 4090 headline plans (quantize-on-CPU, KV cache and T5 on the CPU), capped at
 * 23.65 GiB on an H200: both ran out in denoise, where estimate() says tight but fits (23.45 and 23.15 GiB). At the
 * OOM upstream held 1.22 GiB outside the allocator (the probe, which the cuda-context term is fitted to, 0.67: upstream
 * loads cuDNN attention and compiled quant_fp8 kernels) and 0.93 / 1.21 GiB reserved but unusable (the KV cache moving
 * in and out each step fragments the cache; the probe's slack was 0.62 / 0.81). What the 384×256 run needed at the
 * OOM, allocated + request + outside + unusable, was at least 24.48 GiB: 1.03 GiB over the estimate (704×384 if12:
 * 24.41, 1.26 over). Not yet terms: the outside bytes would move every probe comparison, and the fragmentation is one
 * allocation pattern on two runs; PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True (not measured) is what would free
 * the unusable part. Reports name it where it decides a plan (report-notes.ts).
 */
export const UPSTREAM_CAPPED_DENOISE_EXCESS: { bytes: number; measurementIds: readonly string[]; source: Source } = {
  bytes: 1.03 * GIB,
  measurementIds: ["upstream-384x256-q8cpu-offloadkv-t5cpu-eager-cap24", "upstream-704x384-if12-q8cpu-offloadkv-t5cpu-eager-cap24"],
  source: measured(
    "data/measurements/upstream-384x256-q8cpu-offloadkv-t5cpu-eager-cap24.json, upstream-704x384-if12-q8cpu-offloadkv-t5cpu-eager-cap24.json",
    "OOM in denoise at 23.65 GiB: 21.74 GiB allocated + 0.59 requested + 1.22 outside the allocator + 0.93 reserved but unusable = 24.48 GiB against the estimate's 23.45",
  ),
};
