import type { Plan } from "@headroom/estimator";

/** Alibaba-Quark/LiveAvatar @9c2c38d: the entry point and the config both launch scripts pass, relative to the checkout. */
export const LIVEAVATAR_ENTRY = "minimal_inference/s2v_streaming_interact.py";
export const TRAINING_CONFIG = "liveavatar/configs/s2v_causal_sft.yaml";
/** infinite_inference_*.sh pass --base_seed 420. */
export const SCRIPT_BASE_SEED = 420;

export type LaunchInputs = {
  checkoutDir: string;
  ckptDir: string;
  loraPath: string;
  image: string;
  audio: string;
  prompt: string;
  /** Always passed: under TPP the saving rank never logs the path it writes. */
  saveFile: string;
  masterPort: number;
  /** The GPUs to expose as CUDA_VISIBLE_DEVICES, one per torchrun process. */
  cudaDevices: readonly number[];
  baseSeed?: number;
  torchrun?: string;
};

export type LiveAvatarCommand = { ok: true; command: string; args: string[]; env: Record<string, string>; cwd: string };
export type CommandError = { ok: false; error: { field: string; message: string } };

const refuse = (field: string, message: string): CommandError => ({ ok: false, error: { field, message } });

/** Headroom-only Plan settings: no upstream flag expresses them, so a run cannot honour them. */
const notUpstream = (plan: Plan): CommandError | null => {
  if (plan.params.quantizeOnCpu) return refuse("params.quantizeOnCpu", "quantize_on_cpu is Headroom's loader patch, not a LiveAvatar flag: the probe can measure it, LiveAvatar cannot run it");
  if (plan.params.precision !== "bf16") return refuse("params.precision", `precision ${plan.params.precision}: LiveAvatar has no --fp16 flag and runs bf16 (FR-11)`);
  if (plan.parallel.fsdpWrap !== "block") return refuse("parallel.fsdpWrap", "fsdp_wrap model is the field report's picture (FR-4); LiveAvatar wraps one FSDP unit per block");
  if (plan.parallel.fsdpCpuOffload) return refuse("parallel.fsdpCpuOffload", "fsdp_cpu_offload is the field report's patch (FR-12), not a LiveAvatar flag");
  return null;
};

const flag = (on: boolean, name: string): string[] => (on ? [name] : []);

/**
 * The exact upstream command line for a Plan: infinite_inference_single_gpu.sh for mode "single",
 * infinite_inference_multi_gpu.sh (TPP) for mode "tpp", with each store_true flag present iff the Plan sets it.
 * `audioSeconds` is not passed: it describes the audio, whose own length caps num_clip upstream.
 */
export const buildLiveAvatarCommand = (plan: Plan, inputs: LaunchInputs): LiveAvatarCommand | CommandError => {
  const refused = notUpstream(plan);
  if (refused) return refused;
  const { params, parallel } = plan;
  const single = parallel.mode === "single";
  const processes = single ? 1 : plan.hardware.count;
  if (inputs.cudaDevices.length !== processes) {
    return refuse("hardware.count", `mode ${parallel.mode} runs ${processes} process(es), one per GPU; ${inputs.cudaDevices.length} GPU(s) were given`);
  }
  const args = [
    `--nproc_per_node=${processes}`,
    `--master_port=${inputs.masterPort}`,
    LIVEAVATAR_ENTRY,
    "--ulysses_size", String(parallel.ulyssesSize),
    "--task", "s2v-14B",
    "--size", params.size,
    "--base_seed", String(inputs.baseSeed ?? SCRIPT_BASE_SEED),
    "--training_config", TRAINING_CONFIG,
    "--offload_model", params.offloadModel ? "True" : "False",
    ...flag(params.convertModelDtype, "--convert_model_dtype"),
    "--prompt", inputs.prompt,
    "--image", inputs.image,
    "--audio", inputs.audio,
    "--infer_frames", String(params.inferFrames),
    ...(params.loadLora ? ["--load_lora", "--lora_path_dmd", inputs.loraPath] : []),
    "--sample_steps", String(params.sampleSteps),
    "--sample_guide_scale", String(params.sampleGuideScale),
    "--num_clip", String(params.numClip),
    "--num_gpus_dit", String(parallel.numGpusDit),
    "--sample_solver", params.sampleSolver,
    ...flag(single, "--single_gpu"),
    ...flag(!single && parallel.enableVaeParallel, "--enable_vae_parallel"),
    "--ckpt_dir", inputs.ckptDir,
    ...flag(params.fp8, "--fp8"),
    ...flag(params.t5Cpu, "--t5_cpu"),
    ...flag(parallel.t5Fsdp, "--t5_fsdp"),
    ...flag(parallel.ditFsdp, "--dit_fsdp"),
    ...flag(params.offloadKvCache, "--offload_kv_cache"),
    ...flag(params.enableOnlineDecode, "--enable_online_decode"),
    "--save_file", inputs.saveFile,
  ];
  const env = {
    CUDA_VISIBLE_DEVICES: inputs.cudaDevices.join(","),
    NCCL_DEBUG: "WARN",
    NCCL_DEBUG_SUBSYS: "OFF",
    ENABLE_COMPILE: params.enableCompile ? "true" : "false",
    // Not in the scripts: without it Python block-buffers a piped stdout and progress arrives in bursts.
    PYTHONUNBUFFERED: "1",
  };
  return { ok: true, command: inputs.torchrun ?? "torchrun", args, env, cwd: inputs.checkoutDir };
};
