import type { Source } from "./sources.ts";
import { fieldReport, measured } from "./sources.ts";

/**
 * Speed's error bar: how much slower and how much faster than the point estimate a run has been seen to go: the
 * estimator's own miss on every published and committed speed observation, with the point fitted to upstream's own
 * compiled fp8 forward (speed-observations.ts derives it; its test fails if the model or the data drift past these
 * numbers).
 *
 * Two regimes, because the observations split there: where a forward is mostly compute the estimator is within a few
 * times; where it is mostly copies over PCIe (KV offload, FSDP CPU offload) the field report ran up to 78× slower.
 */
export const SPEED_REGIMES = ["compute", "offload"] as const;
export type SpeedRegime = (typeof SPEED_REGIMES)[number];

export type SpeedErrorBar = {
  regime: SpeedRegime;
  /** A run may take up to this many times the predicted time … */
  slower: number;
  /** … or as little as the predicted time divided by this. */
  faster: number;
  source: Source;
};

/** A forward that spends at least half its time moving weights or caches is judged by the offload observations. */
export const OFFLOAD_REGIME_SHARE = 0.5;

export const speedRegime = (offloadShare: number): SpeedRegime => (offloadShare >= OFFLOAD_REGIME_SHARE ? "offload" : "compute");

/**
 * Rounded up from speed-observations.ts deriveSpeedErrorBar (2 significant figures):
 * compute: slower 3.7 = issue #22 (v1.0 on 5 × H100, 8.7 FPS against a predicted 31.0, 3.57×), beside FR-14 (2.34×),
 *   issue #38 (~20 FPS on 5 × H100 with the scripts' default, 1.92×), the README's history (20 and 30+ FPS, 1.55× and
 *   1.26×) and upstream's own slowest forward (eager fp8 at 384×256 on a second H100 host, 1.77×); faster 1.3 = upstream's fastest forward
 *   (compiled fp8 at 384×256 with 12-frame clips on an H100, 1.22× under the line through the 48-frame run's median),
 *   beside the README's 45 FPS on 5 × H800 against the 38.5 predicted from upstream's own compiled forwards (1.17×).
 * offload: slower 92 = FR-12 (FSDP CPU offload, 0.03 FPS against a predicted 2.8, 92×), beside FR-15 (KV offload on
 *   one RTX 4090, 0.07 FPS against 0.21, 3.0×) and the slowest offloaded step measured here (1.39×, a second H100
 *   host); the fastest offloaded step ran 1.01× faster (upstream's eager 48-frame step at a long run's pace), so faster
 *   is compute's.
 */
export const SPEED_ERROR_BAR: Record<SpeedRegime, SpeedErrorBar> = {
  compute: {
    regime: "compute",
    slower: 3.7,
    faster: 1.3,
    source: measured("the estimator's miss on upstream's README history, users' timings in upstream's issues #22 and #38, FR-14 and upstream's own forwards in data/measurements (speed-observations.ts), around a line fitted to upstream's own compiled forwards at two frames"),
  },
  offload: {
    regime: "offload",
    slower: 92,
    faster: 1.3,
    source: fieldReport("FR-12, FR-15", "the estimator's miss on the field report's offloaded runs and the offloaded steps in data/measurements (speed-observations.ts)"),
  },
};

export type Range = [low: number, high: number];

export type SpeedRanges = {
  fpsRange: Range;
  stepSecondsRange: Range;
  /** Start-up (load, compile) is not scaled; only the generation after it. */
  wallSecondsRange: Range;
  speedErrorBar: SpeedErrorBar;
};

/** The point speed widened by its regime's bar. */
export const speedRanges = (speed: { fps: number; stepSeconds: number; startupSeconds: number; wallSeconds: number; offloadShare: number }): SpeedRanges => {
  const bar = SPEED_ERROR_BAR[speedRegime(speed.offloadShare)];
  const generation = speed.wallSeconds - speed.startupSeconds;
  return {
    fpsRange: [speed.fps / bar.slower, speed.fps * bar.faster],
    stepSecondsRange: [speed.stepSeconds / bar.faster, speed.stepSeconds * bar.slower],
    wallSecondsRange: [speed.startupSeconds + generation / bar.faster, speed.startupSeconds + generation * bar.slower],
    speedErrorBar: bar,
  };
};

/** Two significant figures while the range spans less than 4×; one when it is wider (the bar supports no more). */
export const significantFigures = ([low, high]: Range): 1 | 2 => (high < 4 * low ? 2 : 1);

const roundTo = (value: number, figures: number, round: (x: number) => number): number => {
  if (!(value > 0) || !Number.isFinite(value)) return value;
  const scale = 10 ** (figures - 1 - Math.floor(Math.log10(value)));
  // Math.round first: 0.7 * 10 must read as 7, not 6.999….
  return round(Number((value * scale).toPrecision(12))) / scale;
};

/**
 * Rounded outward, so the printed range still holds the bar: both ends to 2 figures while the range is narrow; when
 * it is wide the low end to 1 and the top to 2 (a top ceiled to 1 figure could nearly double: 113 → 200).
 */
export const roundRange = (range: Range): Range => [roundTo(range[0], significantFigures(range), Math.floor), roundTo(range[1], 2, Math.ceil)];

const plain = (value: number): string => String(Number(value.toPrecision(6)));

/** "8–60 FPS"; one number when both ends round alike. */
export const formatFpsRange = (range: Range): string => {
  const [low, high] = roundRange(range);
  return low === high ? `${plain(low)} FPS` : `${plain(low)}–${plain(high)} FPS`;
};
