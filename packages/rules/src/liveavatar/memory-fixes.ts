import type { Estimate, GpuEstimate, Plan } from "@headroom/estimator";
import type { Fix } from "../rule.ts";
import { smallerSupportedSizes } from "./sizes.ts";

/** The GPU with the least margin decides the memory verdict. */
export const worstGpu = (estimate: Estimate): GpuEstimate | undefined =>
  estimate.gpus.reduce<GpuEstimate | undefined>((worst, gpu) => (worst === undefined || gpu.marginBytes < worst.marginBytes ? gpu : worst), undefined);

export const isOutOfMemory = (estimate: Estimate): boolean => estimate.gpus.some((gpu) => gpu.marginBytes < 0);

/**
 * Flags that lower a GPU's peak, in the order suggest() tries them; online decode is left out because it keeps
 * the rollout state alive during decode (it helps host RAM, not VRAM). suggest() checks each against the estimate.
 */
export const memoryFixes = (plan: Plan): Fix[] => {
  const { params, parallel } = plan;
  const smaller = smallerSupportedSizes(params.size)[0];
  const fixes: (Fix | null)[] = [
    params.fp8 ? null : { label: "--fp8: linear weights in 8 bits", patch: { params: { fp8: true } } },
    // TPP ranks ignore --offload_kv_cache (causal_s2v_pipeline_tpp.py), so it is offered on one GPU only.
    params.offloadKvCache || parallel.mode !== "single" ? null : { label: "--offload_kv_cache: keep the step KV caches in host RAM, one on the GPU at a time", patch: { params: { offloadKvCache: true } } },
    params.fp8 && !params.quantizeOnCpu ? { label: "quantize_on_cpu (Headroom loader patch): the bf16 DiT never reaches the GPU", patch: { params: { quantizeOnCpu: true } } } : null,
    params.t5Cpu ? null : { label: "--t5_cpu: run the text encoder on the CPU", patch: { params: { t5Cpu: true } } },
    parallel.mode === "single" && !params.offloadModel ? { label: "--offload_model: move encoders and VAE off the GPU during the rollout", patch: { params: { offloadModel: true } } } : null,
    parallel.mode === "tpp" && !parallel.ditFsdp ? { label: "--dit_fsdp: shard the DiT across the ranks (FSDP over all 5; inferred risky upstream)", patch: { parallel: { ditFsdp: true } } } : null,
    smaller ? { label: `smaller size ${smaller}`, patch: { params: { size: smaller } } } : null,
  ];
  return fixes.filter((fix): fix is Fix => fix !== null);
};
