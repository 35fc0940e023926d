import { clipCount, formatClipCount, GPU_CATALOG, type Plan } from "@headroom/estimator";

export const gpuName = (plan: Plan): string =>
  plan.hardware.gpu === "custom" ? (plan.hardware.custom?.name ?? "custom GPU") : GPU_CATALOG[plan.hardware.gpu].name.replace(/^NVIDIA (GeForce )?/, "");

/**
 * "5 × RTX 4090 · 704*384 · 4 clips · 7.7 s video · TPP · fp8": the clips that will run once the audio's length is known
 * (the number the estimate and the launch command's --num_clip use), "up to 100 clips" or "whole audio" before.
 */
export const describePlan = (plan: Plan): string =>
  [
    `${plan.hardware.count} × ${gpuName(plan)}`,
    plan.params.size,
    formatClipCount(clipCount(plan), plan.params.audioSeconds),
    plan.parallel.mode === "tpp" ? "TPP" : "single GPU",
    plan.params.fp8 ? "fp8" : plan.params.precision,
  ].join(" · ");
