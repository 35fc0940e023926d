import { planDifferences, resolvePlan, type Plan } from "@headroom/estimator";

// describePlan already names these (GPU × count, size, clips, mode, fp8/precision); the reference inputs are not flags.
const SHOWN_ELSEWHERE = new Set(["gpu", "count", "size", "num_clip", "mode", "fp8", "precision", "audio_seconds", "image_size", "custom_name", "custom_vram_gib", "custom_bf16_tflops", "custom_bandwidth_gbps"]);

/**
 * The flags that tell this plan apart from the upstream launch script for its GPU count (what resolvePlan fills in),
 * upstream spelling: "offload_model", "no load_lora", "sample_steps 8", "host_ram_gb 128".
 */
export const planFlags = (plan: Plan): string[] => {
  const script = resolvePlan({ hardware: { gpu: plan.hardware.gpu, custom: plan.hardware.custom, count: plan.hardware.count } });
  return planDifferences(script, plan)
    .filter((difference) => !SHOWN_ELSEWHERE.has(difference.flag))
    .map(({ flag, value }) => (value === "true" ? flag : value === "false" ? `no ${flag}` : `${flag} ${value}`));
};
