import type { Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { catalogGpuId } from "./gpu-catalog.ts";
import { median, timedPlan } from "./speed-calibration.ts";
import { COMPILE_SECONDS } from "./throughput.ts";

/** The stages of a clip a run timed apart, each against the speed term estimate() gives it. */
export const TIMED_STAGES = ["offload-step", "kv-copy-per-step", "vae-decode", "vae-reencode", "compile"] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

export type StageTiming = { id: string; instrument: Measurement["instrument"]["kind"]; stage: TimedStage; predictedSeconds: number; measuredSeconds: number };

type Rank = Measurement["ranks"][number];

/**
 * A long video's step, what estimate() predicts: the median forward plus the KV copy (a step less its forward) at its
 * median over the last clip's steps. A run's first clip pays one-off costs a 2-clip run's median step mixes in: the
 * host pages the copies fault in for the first time, and a compiled run recompiles its forward when clip 2 brings the
 * motion context (that time is the forward's, so the step less its forward leaves it out). A run without per-step
 * timings (the probe) gives its median step.
 */
export const steadyStep = (rank: Rank): { stepSeconds: number; copySeconds: number } | null => {
  const { secondsPerStep, secondsPerForward, stepSeconds: steps, forwardSeconds: forwards, decodeSecondsPerClip } = rank;
  if (!secondsPerForward) return null;
  const clips = decodeSecondsPerClip?.length ?? 0;
  if (steps && forwards && steps.length === forwards.length && clips > 0 && steps.length % clips === 0) {
    const perClip = steps.length / clips;
    const copySeconds = median(steps.slice(-perClip).map((step, i) => step - forwards[forwards.length - perClip + i]!));
    return { stepSeconds: secondsPerForward + copySeconds, copySeconds };
  }
  return secondsPerStep ? { stepSeconds: secondsPerStep, copySeconds: secondsPerStep - secondsPerForward } : null;
};

const term = (terms: readonly { id: string; value: number }[], id: string) => terms.find((t) => t.id === id)?.value ?? 0;

/**
 * One GPU's timed stages beside the forward compareSpeed covers: a whole step with the KV cache offloaded (the speed an
 * offload-bound plan runs at) and the KV cache's move in and out per step, both at a long run's pace (steadyStep), the
 * decode of a clip, the motion context's re-encode, and torch.compile's first-call cost. Multi-rank runs time these on
 * different ranks and are left to the forward comparison.
 */
export const compareStageTimings = (m: Measurement): StageTiming[] => {
  const gpu = catalogGpuId(m.gpu);
  const rank = m.ranks.length === 1 ? m.ranks[0] : undefined;
  if (gpu === null || !rank || rank.fits !== true) return [];
  const plan = timedPlan(m, gpu);
  const { terms, stepSeconds } = estimate(plan).speed;
  const rows: StageTiming[] = [];
  const add = (stage: TimedStage, predictedSeconds: number, measuredSeconds: number | null | undefined) => {
    if (measuredSeconds !== null && measuredSeconds !== undefined && measuredSeconds > 0) rows.push({ id: m.id, instrument: m.instrument.kind, stage, predictedSeconds, measuredSeconds });
  };
  const steady = plan.params.offloadKvCache ? steadyStep(rank) : null;
  if (steady) {
    add("offload-step", stepSeconds, steady.stepSeconds);
    add("kv-copy-per-step", term(terms, "kv-offload"), steady.copySeconds);
  }
  add("vae-decode", term(terms, "vae-decode"), rank.decodeSecondsPerClip?.length ? median(rank.decodeSecondsPerClip) : null);
  add("vae-reencode", term(terms, "vae-reencode"), rank.reencodeSeconds);
  if (plan.params.enableCompile) add("compile", COMPILE_SECONDS, rank.compileSeconds);
  return rows;
};
