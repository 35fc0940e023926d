import type { Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { catalogGpuId } from "./gpu-catalog.ts";
import { median, timedPlan } from "./speed-calibration.ts";
import { COMPILE_SECONDS } from "./throughput.ts";

/** The stages of a clip a run timed apart, each against the speed term estimate() gives it. */
export const TIMED_STAGES = ["offload-step", "kv-copy-per-step", "vae-decode", "vae-reencode", "compile"] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

export type StageTiming = { id: string; instrument: Measurement["instrument"]["kind"]; stage: TimedStage; predictedSeconds: number; measuredSeconds: number };

const term = (terms: readonly { id: string; value: number }[], id: string) => terms.find((t) => t.id === id)?.value ?? 0;

/**
 * One GPU's timed stages beside the forward compareSpeed covers: a whole step with the KV cache offloaded (the speed an
 * offload-bound plan runs at), the KV cache's move in and out per step (a step less its forward), the decode of a clip,
 * the motion context's re-encode, and torch.compile's first-call cost. Multi-rank runs time these on different ranks and
 * are left to the forward comparison.
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
  if (plan.params.offloadKvCache) add("offload-step", stepSeconds, rank.secondsPerStep);
  if (plan.params.offloadKvCache && rank.secondsPerStep && rank.secondsPerForward) add("kv-copy-per-step", term(terms, "kv-offload"), rank.secondsPerStep - rank.secondsPerForward);
  add("vae-decode", term(terms, "vae-decode"), rank.decodeSecondsPerClip?.length ? median(rank.decodeSecondsPerClip) : null);
  add("vae-reencode", term(terms, "vae-reencode"), rank.reencodeSeconds);
  if (plan.params.enableCompile) add("compile", COMPILE_SECONDS, rank.compileSeconds);
  return rows;
};
