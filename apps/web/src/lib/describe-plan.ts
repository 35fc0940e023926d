import { GPU_CATALOG, type Plan } from "@headroom/estimator";

export const gpuName = (plan: Plan): string =>
  plan.hardware.gpu === "custom" ? (plan.hardware.custom?.name ?? "custom GPU") : GPU_CATALOG[plan.hardware.gpu].name.replace(/^NVIDIA (GeForce )?/, "");

/** "5 × RTX 4090 · 704*384 · 100 clips · TPP" */
export const describePlan = (plan: Plan): string =>
  [
    `${plan.hardware.count} × ${gpuName(plan)}`,
    plan.params.size,
    plan.params.numClip >= 10000 ? "whole audio" : `${plan.params.numClip} clip${plan.params.numClip === 1 ? "" : "s"}`,
    plan.parallel.mode === "tpp" ? "TPP" : "single GPU",
    plan.params.fp8 ? "fp8" : plan.params.precision,
  ].join(" · ");
