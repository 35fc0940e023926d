import { SINGLE_GPU_PARALLEL, type Plan } from "@headroom/estimator";
import type { Rule } from "../rule.ts";
import { isOutOfMemory, memoryFixes } from "./memory-fixes.ts";

const SPEC = "liveavatar.md";

/** FR-21's combination as the report ran it: 704*384, 100 clips (or more), five RTX 4090s. */
const isFr21 = (plan: Plan): boolean =>
  plan.params.size === "704*384" && plan.params.numClip >= 100 && plan.hardware.gpu === "rtx-4090" && plan.hardware.count === 5;

/** Beyond a minute of video the report says FR-22's combination always runs out of memory. */
export const LONG_VIDEO_SECONDS = 60;

export const RED_LINE_RULES: Rule[] = [
  {
    // Conditioned on the estimate, so it means out of memory, not an impossible launch.
    id: "red-line/fr-21",
    severity: "error",
    family: "red-line",
    implies: "out-of-memory",
    cites: ["FR-21", "FR-7"],
    check: ({ plan, estimate }) =>
      isFr21(plan) && isOutOfMemory(estimate)
        ? { message: "704*384 with num_clip 100 on 5 × RTX 4090 is a field-report red line, and the estimate agrees it runs out of memory", path: ["params", "numClip"] }
        : null,
    fixes: ({ plan }) => [
      ...memoryFixes(plan),
      { label: "one 80 GB GPU (FR-14)", patch: { hardware: { gpu: "a100-80gb", count: 1 }, parallel: SINGLE_GPU_PARALLEL } },
    ],
  },
  {
    id: "red-line/fr-21-source-disagrees",
    severity: "info",
    family: "field-report",
    implies: "runs",
    cites: ["FR-21", "FR-9", SPEC],
    check: ({ plan, estimate }) =>
      isFr21(plan) && !isOutOfMemory(estimate)
        ? {
            message: "the field report lists 704*384 + num_clip 100 on 5 × RTX 4090 as a red line, but the source moves each clip's latents to the CPU, so num_clip grows host RAM, not GPU memory; the estimate fits (the report's v1.0 may have differed)",
            path: ["params", "numClip"],
          }
        : null,
  },
  {
    id: "red-line/fr-22",
    severity: "warning",
    family: "red-line",
    implies: "risky",
    cites: ["FR-22", SPEC],
    check: ({ plan, estimate }) =>
      plan.params.sampleSteps >= 5 && !plan.params.enableOnlineDecode && estimate.speed.videoSeconds > LONG_VIDEO_SECONDS
        ? {
            message: `the field report says sample_steps ${plan.params.sampleSteps} without online decode always runs long videos out of memory; the source keeps GPU memory flat in num_clip (clip latents go to the CPU), so watch host RAM instead`,
            path: ["params", "enableOnlineDecode"],
          }
        : null,
    fixes: () => [{ label: "--enable_online_decode", patch: { params: { enableOnlineDecode: true } } }],
  },
  {
    id: "red-line/fr-23",
    severity: "error",
    family: "red-line",
    implies: "invalid",
    cites: ["FR-23", "minimal_inference/s2v_streaming_interact.py", SPEC],
    check: ({ plan }) =>
      plan.params.offloadModel && (plan.parallel.numGpusDit >= 2 || plan.hardware.count > 1)
        ? { message: "--offload_model is single-GPU only: it conflicts with multi-GPU runs (TPP defaults it to False)", path: ["params", "offloadModel"] }
        : null,
    fixes: () => [{ label: "--offload_model False", patch: { params: { offloadModel: false } } }],
  },
  {
    id: "precision/fr-24",
    severity: "error",
    family: "fp16",
    implies: "invalid",
    cites: ["FR-24"],
    check: ({ plan }) =>
      plan.params.precision === "fp16" && plan.params.sampleGuideScale > 0
        ? { message: `fp16 with sample_guide_scale ${plan.params.sampleGuideScale}: half-precision guidance overflows`, path: ["params", "sampleGuideScale"] }
        : null,
    fixes: () => [
      { label: "bf16", patch: { params: { precision: "bf16" } } },
      { label: "sample_guide_scale 0 (no CFG pass, as the scripts run)", patch: { params: { sampleGuideScale: 0 } } },
    ],
  },
  {
    id: "precision/fr-11",
    severity: "error",
    family: "fp16",
    implies: "invalid",
    cites: ["FR-11", SPEC],
    check: ({ plan }) =>
      plan.params.precision === "fp16"
        ? { message: "no --fp16 upstream; fp16 overflows → NaN, then a Half/Float dtype error at the first frame", path: ["params", "precision"] }
        : null,
    fixes: () => [{ label: "bf16 (upstream's dtype)", patch: { params: { precision: "bf16" } } }],
  },
  {
    id: "field-report/fr-6",
    severity: "info",
    family: "field-report",
    implies: "runs",
    cites: ["FR-6", SPEC],
    check: ({ plan }) =>
      plan.params.offloadModel
        ? { message: "--offload_model moves the text and audio encoders and the VAE off the GPU (the DiT only around decode), not the DiT backbone during the rollout", path: ["params", "offloadModel"] }
        : null,
  },
  {
    id: "field-report/fr-12",
    severity: "warning",
    family: "field-report",
    implies: "runs",
    cites: ["FR-12"],
    check: ({ plan }) =>
      plan.parallel.fsdpCpuOffload
        ? { message: "FSDP CPU offload is the field report's own patch, not an upstream flag; it ran at the report's 18 GB per card and 0.03 fps", path: ["parallel", "fsdpCpuOffload"] }
        : null,
    fixes: () => [{ label: "no FSDP CPU offload", patch: { parallel: { fsdpCpuOffload: false } } }],
  },
];
