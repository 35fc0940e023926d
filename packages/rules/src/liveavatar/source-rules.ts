import { condTokensNeeded, generationFrame, getProfile, GPU_CATALOG, tokensPerFrameOf, type GpuId, type Plan } from "@headroom/estimator";
import type { Rule } from "../rule.ts";

/** Facts read in LiveAvatar's pipelines (Alibaba-Quark/LiveAvatar @9c2c38d) that decide whether a plan can run at all. */
const P1 = "liveavatar/models/wan/causal_s2v_pipeline.py";
const P5 = "liveavatar/models/wan/causal_s2v_pipeline_tpp.py";
const ENTRY = "minimal_inference/s2v_streaming_interact.py";
const FP8 = "liveavatar/utils/fp8_linear.py";
const FAMILY = "upstream-source";

/** cond_k/cond_v hold 2,800 tokens on one GPU and 3,000 per TPP rank; the reference + motion tokens take 2.5 latent frames
 *  of the frame the run generates (get_gen_size: the image under MAX_AREA_CONFIGS[size]), not of `--size`. */
const condCapacity = (mode: "single" | "tpp"): number => (mode === "single" ? 2800 : 3000);
const condNeeded = (plan: Plan): { tokens: number; frame: string } => {
  const { width, height } = generationFrame(plan.params.size, plan.params.imageSize);
  const profile = getProfile(plan.model);
  return { tokens: condTokensNeeded(profile, tokensPerFrameOf(width, height, profile)), frame: `${width}×${height}` };
};

const hasFp8TensorCores = (gpu: string): boolean => gpu === "custom" || GPU_CATALOG[gpu as GpuId]?.fp8Tflops !== null;

export const SOURCE_RULES: Rule[] = [
  {
    id: "source/sample-steps",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [`${P1} kv_cache1["1".."4"]`, `${P5}: DiT rank i runs step i`],
    check: ({ plan }) => {
      const steps = plan.params.sampleSteps;
      if (plan.parallel.mode === "tpp" && steps !== 4) return { message: `TPP runs denoising step i on DiT rank i of 4: sample_steps must be 4, not ${steps}`, path: ["params", "sampleSteps"] };
      if (plan.parallel.mode === "single" && steps > 4) return { message: `one GPU keeps one KV cache per step for steps 1–4; sample_steps ${steps} raises a KeyError at step 5`, path: ["params", "sampleSteps"] };
      return null;
    },
    fixes: () => [{ label: "sample_steps 4 (the DMD LoRA's distilled steps)", patch: { params: { sampleSteps: 4 } } }],
  },
  {
    id: "source/fp8-needs-fp8-tensor-cores",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [`${FP8}: torch._scaled_mm`],
    check: ({ plan }) =>
      plan.params.fp8 && !hasFp8TensorCores(plan.hardware.gpu)
        ? { message: `--fp8 runs torch._scaled_mm, which needs FP8 tensor cores (Ada, Hopper, Blackwell); ${plan.hardware.gpu} has none`, path: ["params", "fp8"] }
        : null,
    fixes: () => [{ label: "turn --fp8 off (bf16 weights)", patch: { params: { fp8: false } } }],
  },
  {
    id: "source/cond-cache-capacity",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [`${P1} _initialize_kv_cache (cond 2,800 tokens)`, `${P5} (cond 3,000 tokens)`, `${P1} get_gen_size / get_size_less_than_area`],
    check: ({ plan }) => {
      const needed = condNeeded(plan);
      const capacity = condCapacity(plan.parallel.mode);
      return needed.tokens > capacity
        ? { message: `--size ${plan.params.size} runs at ${needed.frame} from the reference image, which needs ${needed.tokens} conditioning tokens (2.5 latent frames); the ${plan.parallel.mode === "single" ? "single-GPU" : "TPP"} cache holds ${capacity}`, path: ["params", "size"] }
        : null;
    },
    fixes: ({ plan }) => [{ label: "704*384 (the single-GPU script's size)", patch: { params: { size: plan.parallel.mode === "tpp" ? "720*400" : "704*384" } } }],
  },
  {
    id: "source/solver-euler-only",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [`${P1}: the sampler is fixed to Euler (shift 3)`],
    check: ({ plan }) =>
      plan.params.sampleSolver !== "euler" ? { message: `sample_solver ${plan.params.sampleSolver}: the streaming pipeline only implements euler`, path: ["params", "sampleSolver"] } : null,
    fixes: () => [{ label: "sample_solver euler", patch: { params: { sampleSolver: "euler" } } }],
  },
  {
    id: "source/tpp-fsdp-group",
    severity: "warning",
    family: FAMILY,
    implies: "risky",
    cites: ["wan_2_2/distributed/fsdp.py process_group=None", P5, "FR-7", "FR-12"],
    check: ({ plan }) =>
      plan.parallel.mode === "tpp" && plan.parallel.ditFsdp
        ? { message: "--dit_fsdp under TPP shards over all 5 ranks, but the ranks run forwards at different steps and the VAE rank never runs one: expect all-gathers to stall (inferred; the field report's v1.0 did reach FSDP unshard)", path: ["parallel", "ditFsdp"] }
        : null,
    fixes: () => [{ label: "no --dit_fsdp", patch: { parallel: { ditFsdp: false } } }],
  },
  {
    id: "source/fp8-under-fsdp",
    severity: "warning",
    family: FAMILY,
    implies: "risky",
    cites: [`${FP8}: replace_linear_with_scaled_fp8`, "wan_2_2/distributed/fsdp.py"],
    check: ({ plan }) =>
      plan.params.fp8 && plan.parallel.ditFsdp
        ? { message: "--fp8 converts Linear layers after the model is built; with --dit_fsdp those layers sit inside FSDP's flat parameters, so the conversion likely fails (inferred; untested upstream)", path: ["params", "fp8"] }
        : null,
    fixes: () => [{ label: "turn --fp8 off under FSDP", patch: { params: { fp8: false } } }],
  },
  {
    id: "source/single-offload-model-false",
    severity: "warning",
    family: FAMILY,
    implies: "risky",
    cites: [`${P1}: final decode sends CUDA latents to the VAE`],
    check: ({ plan }) =>
      plan.parallel.mode === "single" && !plan.params.offloadModel
        ? { message: "offload_model False on one GPU leaves the VAE on the CPU for the final decode, which receives CUDA latents (inferred crash); the single-GPU script sets True", path: ["params", "offloadModel"] }
        : null,
    fixes: () => [{ label: "offload_model True", patch: { params: { offloadModel: true } } }],
  },
  {
    id: "source/kv-offload-single-only",
    severity: "info",
    family: FAMILY,
    implies: "runs",
    cites: [`${P5}: _initialize_kv_cache ignores offload_kv_cache`],
    check: ({ plan }) =>
      plan.parallel.mode === "tpp" && plan.params.offloadKvCache
        ? { message: "--offload_kv_cache only acts on one GPU; TPP ranks keep their cache on the GPU", path: ["params", "offloadKvCache"] }
        : null,
  },
  {
    id: "source/guide-scale-unused",
    severity: "info",
    family: FAMILY,
    implies: "runs",
    cites: [P1],
    check: ({ plan }) =>
      plan.params.sampleGuideScale > 0
        ? { message: `sample_guide_scale ${plan.params.sampleGuideScale} is read but never used by the streaming pipeline: no guidance pass, no extra cost`, path: ["params", "sampleGuideScale"] }
        : null,
  },
  {
    id: "source/infer-frames-multiple-of-12",
    severity: "warning",
    family: FAMILY,
    implies: "runs",
    cites: [`${P1}: 3 latent frames per block`],
    check: ({ plan }) =>
      plan.params.inferFrames % 12 !== 0
        ? { message: `infer_frames ${plan.params.inferFrames} is not a multiple of 12: the last latent frames of each clip do not fill a 3-frame block and are never generated`, path: ["params", "inferFrames"] }
        : null,
    fixes: ({ plan }) => [{ label: `infer_frames ${Math.max(12, Math.round(plan.params.inferFrames / 12) * 12)}`, patch: { params: { inferFrames: Math.max(12, Math.round(plan.params.inferFrames / 12) * 12) } } }],
  },
  {
    id: "source/quantize-on-cpu-patch",
    severity: "info",
    family: FAMILY,
    implies: "runs",
    cites: [`${P1}: from_pretrained(device_map=cuda) before fp8 conversion`, ENTRY],
    check: ({ plan }) =>
      plan.params.quantizeOnCpu
        ? plan.params.fp8
          ? { message: "quantize_on_cpu is Headroom's loader patch, not an upstream flag: the DiT is FP8-quantized on the CPU so the 30.4 GiB bf16 copy never reaches the GPU", path: ["params", "quantizeOnCpu"] }
          : { message: "quantize_on_cpu does nothing without --fp8", path: ["params", "quantizeOnCpu"] }
        : null,
  },
];
