import { launchCommand, type Plan } from "@headroom/estimator";

/** Alibaba-Quark/LiveAvatar @9c2c38d: the entry point both launch scripts run, relative to the checkout. */
export { LIVEAVATAR_ENTRY } from "@headroom/estimator";

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

/**
 * The exact upstream command line for a Plan, from the one builder every page and the CLI show (launchCommand):
 * infinite_inference_single_gpu.sh for mode "single", infinite_inference_multi_gpu.sh (TPP) for mode "tpp", each
 * store_true flag present iff the Plan sets it; once the audio's length is known, --num_clip is the clips that will run.
 */
export const buildLiveAvatarCommand = (plan: Plan, inputs: LaunchInputs): LiveAvatarCommand | CommandError => {
  const refused = notUpstream(plan);
  if (refused) return refused;
  const processes = plan.parallel.mode === "single" ? 1 : plan.hardware.count;
  if (inputs.cudaDevices.length !== processes) {
    return refuse("hardware.count", `mode ${plan.parallel.mode} runs ${processes} process(es), one per GPU; ${inputs.cudaDevices.length} GPU(s) were given`);
  }
  const { image, audio, prompt, ckptDir, loraPath, masterPort, cudaDevices, saveFile } = inputs;
  const launch = launchCommand(plan, { image, audio, prompt, ckptDir, loraPath, masterPort, cudaDevices, saveFile, ...(inputs.baseSeed === undefined ? {} : { baseSeed: inputs.baseSeed }) });
  const args = launch.args;
  const env = {
    ...Object.fromEntries(launch.env),
    // Not in the scripts: without it Python block-buffers a piped stdout and progress arrives in bursts.
    PYTHONUNBUFFERED: "1",
  };
  return { ok: true, command: inputs.torchrun ?? "torchrun", args, env, cwd: inputs.checkoutDir };
};
