import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { SDPA_SELF_ATTENTION_FACTOR } from "./kernel-factors.ts";
import { FPS_OBSERVATIONS, fpsMiss, type FpsObservation } from "./speed-observations.ts";

/** One published speed observation against estimate() of its plan: what a report's speed error bar stands on. */
export type ObservationRow = {
  id: string;
  code: FpsObservation["code"];
  predictedFps: number;
  observedFps: [low: number, high: number];
  /** How many times slower than predicted it ran (1 where it did not). */
  slower: number;
  held: boolean;
  note: string;
  cites: string[];
};

export const observationRows = (): ObservationRow[] =>
  FPS_OBSERVATIONS.map((o) => ({
    id: o.id, code: o.code, predictedFps: estimate(resolvePlan(o.plan)).speed.fps, observedFps: o.observedFps,
    slower: fpsMiss(o).slower, held: o.held !== false, note: o.note, cites: o.cites,
  }));

/**
 * The arithmetic from the README's 45 FPS to what 5 × H100 users report, on the 5-GPU script's plan: the fit (upstream's
 * own compiled fp8 forward), kernel levers (KERNEL_FACTORS, upstream's own forwards), what v1.0 lacked beyond them (the
 * README's own history; cuDNN attention measured apart), and the users' gap to the README.
 */
export type SpeedExplanation = {
  defaultFps: number;
  /** The README's 45 ÷ the fit's prediction: upstream's claim on 5 × H800 against the line through its own compiled forwards (one H100). */
  readmeOverFit: number;
  /** v1.0's levers on today's code: bf16, eager. */
  eagerBf16Fps: number;
  leverFactor: number;
  /** README v1.1 ÷ README v1.0 on the same 5 × H800. */
  versionFactor: number;
  /** What the version gap leaves after the levers: RoPE rewrite, merged LoRA, cuDNN attention. */
  notLeverFactor: number;
  /** Of that, cuDNN self-attention against PyTorch SDPA (upstream's own eager forwards). */
  cudnnAttentionFactor: number;
  /** The rest: RoPE rewrite, merged LoRA (not timed apart). */
  restFactor: number;
  /** Issue #38 (default, v1.1) and issue #22 (v1.0) under the README of their version. */
  usersUnderReadme: { v11: number; v10: number };
};

export const speedExplanation = (rows: readonly ObservationRow[] = observationRows()): SpeedExplanation => {
  const seen = (id: string) => rows.find((r) => r.id === id)!.observedFps[0];
  const defaultFps = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } })).speed.fps;
  const eagerBf16Fps = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 }, params: { fp8: false, enableCompile: false } })).speed.fps;
  const versionFactor = seen("README 45 FPS") / seen("README 20 FPS");
  const leverFactor = defaultFps / eagerBf16Fps;
  const notLeverFactor = versionFactor / leverFactor;
  return {
    defaultFps, readmeOverFit: seen("README 45 FPS") / defaultFps, eagerBf16Fps, leverFactor, versionFactor, notLeverFactor,
    cudnnAttentionFactor: SDPA_SELF_ATTENTION_FACTOR, restFactor: notLeverFactor / SDPA_SELF_ATTENTION_FACTOR,
    usersUnderReadme: { v11: seen("README 45 FPS") / seen("issue #38"), v10: seen("README 20 FPS") / seen("issue #22") },
  };
};
