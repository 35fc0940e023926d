import { Plan, type Hardware, type Params, type Parallel, type PlanInput } from "./plan.ts";

/** infinite_inference_single_gpu.sh: --size 704*384 --offload_model True --convert_model_dtype
 *  --infer_frames 48 --sample_steps 4 --sample_guide_scale 0 --num_clip 10000 --sample_solver euler
 *  --load_lora --fp8, ENABLE_COMPILE=true. */
export const SINGLE_GPU_SCRIPT_PARAMS: Params = {
  size: "704*384",
  numClip: 10000,
  inferFrames: 48,
  sampleSteps: 4,
  sampleGuideScale: 0,
  sampleSolver: "euler",
  offloadModel: true,
  convertModelDtype: true,
  fp8: true,
  t5Cpu: false,
  offloadKvCache: false,
  enableOnlineDecode: false,
  loadLora: true,
  enableCompile: true,
  quantizeOnCpu: false,
  precision: "bf16",
  audioSeconds: null,
  imageSize: null,
};

/** infinite_inference_multi_gpu.sh: 5 GPUs, --size 720*400, --offload_model False, same sampling flags, --fp8. */
export const MULTI_GPU_SCRIPT_PARAMS: Params = {
  ...SINGLE_GPU_SCRIPT_PARAMS,
  size: "720*400",
  offloadModel: false,
};

export const SINGLE_GPU_PARALLEL: Parallel = {
  mode: "single",
  numGpusDit: 1,
  enableVaeParallel: false,
  ditFsdp: false,
  t5Fsdp: false,
  ulyssesSize: 1,
  fsdpWrap: "block",
  fsdpCpuOffload: false,
};

export const TPP_PARALLEL: Parallel = {
  ...SINGLE_GPU_PARALLEL,
  mode: "tpp",
  numGpusDit: 4,
  enableVaeParallel: true,
};

export const DEFAULT_HARDWARE: Hardware = {
  gpu: "h100-sxm",
  custom: null,
  count: 1,
  hostRamGb: null,
  hostLink: "pcie4-x16",
  gpuTopology: "PHB",
};

/** Fills what the input leaves out the way the upstream launch script for that GPU count would. */
export const withScriptDefaults = (input: PlanInput = {}) => {
  const count = input.hardware?.count ?? DEFAULT_HARDWARE.count;
  const multi = count > 1;
  return {
    model: input.model ?? "liveavatar-1.0",
    params: { ...(multi ? MULTI_GPU_SCRIPT_PARAMS : SINGLE_GPU_SCRIPT_PARAMS), ...input.params },
    hardware: { ...DEFAULT_HARDWARE, ...input.hardware, count },
    parallel: { ...(multi ? TPP_PARALLEL : SINGLE_GPU_PARALLEL), ...input.parallel },
  };
};

export const resolvePlan = (input: PlanInput = {}): Plan => Plan.parse(withScriptDefaults(input));
