import { clipCount } from "./clip-count.ts";
import { resolvePlan } from "./defaults.ts";
import type { Plan } from "./plan.ts";

// Alibaba-Quark/LiveAvatar @9c2c38d, infinite_inference_single_gpu.sh and infinite_inference_multi_gpu.sh: what both
// scripts hard-code, so a plan with the scripts' defaults gives the scripts' own command.
export const LIVEAVATAR_ENTRY = "minimal_inference/s2v_streaming_interact.py";
export const TRAINING_CONFIG = "liveavatar/configs/s2v_causal_sft.yaml";
export const SCRIPT_BASE_SEED = 420;
/** single: infinite_inference_single_gpu.sh; tpp: infinite_inference_multi_gpu.sh. */
export const SCRIPT_MASTER_PORTS = { single: 29101, tpp: 29102 } as const;
export const SCRIPT_INPUTS = {
  image: "examples/dwarven_blacksmith.jpg",
  audio: "examples/dwarven_blacksmith.wav",
  prompt:
    "A stout, cheerful dwarf with a magnificent braided beard adorned with metal rings, wearing a heavy leather apron. He's standing in his fiery, cluttered forge, laughing heartily as he explains the mastery of his craft, holding up a glowing hammer. Style of Blizzard Entertainment cinematics (like World of Warcraft), warm, dynamic lighting from the forge.",
  ckptDir: "ckpt/Wan2.2-S2V-14B/",
  loraPath: "Quark-Vision/Live-Avatar",
} as const;

/** What the plan does not say: left out, the scripts' own values (their example image, audio and prompt). */
export type LaunchInputs = {
  image?: string;
  audio?: string;
  prompt?: string;
  ckptDir?: string;
  loraPath?: string;
  masterPort?: number;
  /** One GPU per torchrun process; left out, 0 … n−1. */
  cudaDevices?: readonly number[];
  baseSeed?: number;
  /** Not in the scripts (upstream picks a name); the worker passes one because the saving TPP rank never logs it. */
  saveFile?: string;
};

/** One flag as the command line spells it: `["--size", "704*384"]`, `["--fp8"]`. */
export type LaunchFlag = readonly [name: string, ...values: string[]];

/** Something the plan asks for that no LiveAvatar flag says: a Headroom or field-report patch, said as a comment. */
export type LaunchNote = { field: string; kind: "headroom-patch" | "not-upstream" | "idle-gpus"; text: string };

export type LaunchCommand = {
  /** In the scripts' order: CUDA_VISIBLE_DEVICES, NCCL_DEBUG, NCCL_DEBUG_SUBSYS, ENABLE_COMPILE. */
  env: readonly (readonly [name: string, value: string])[];
  /** torchrun's own arguments and the entry point. */
  launcher: readonly string[];
  flags: readonly LaunchFlag[];
  /** Everything after `torchrun`, as a process would receive it. */
  args: string[];
  notes: LaunchNote[];
  /** The command as a person pastes it into a shell: notes as comments, one flag a line. */
  text: string;
};

const on = (isSet: boolean, name: string): LaunchFlag[] => (isSet ? [[name]] : []);

/** Headroom's own settings and the field report's: no upstream flag carries them, so the command says so aloud. */
const notesFor = (plan: Plan, processes: number): LaunchNote[] => {
  const { params, parallel, hardware } = plan;
  const notes: LaunchNote[] = [];
  if (params.quantizeOnCpu && params.fp8) {
    notes.push({
      field: "quantize_on_cpu",
      kind: "headroom-patch",
      text: "This plan needs Headroom's loader patch (--quantize-on-cpu; LiveAvatar has no such flag): it FP8-quantizes the DiT on the CPU so the bf16 copy never reaches the GPU. Without it, upstream's loader puts the bf16 DiT on the GPU first.",
    });
  }
  if (params.precision !== "bf16") notes.push({ field: "precision", kind: "not-upstream", text: `precision ${params.precision} is the field report's --fp16 (FR-11): LiveAvatar has no such flag and runs bf16.` });
  if (parallel.fsdpWrap !== "block") notes.push({ field: "fsdp_wrap", kind: "not-upstream", text: "fsdp_wrap model is the field report's picture (FR-4): LiveAvatar wraps one FSDP unit per block (distributed/fsdp.py)." });
  if (parallel.fsdpCpuOffload) notes.push({ field: "fsdp_cpu_offload", kind: "not-upstream", text: "fsdp_cpu_offload is the field report's CPUOffload(offload_params=True) patch to distributed/fsdp.py (FR-12), not a LiveAvatar flag." });
  if (processes < hardware.count) notes.push({ field: "mode", kind: "idle-gpus", text: `mode single runs one process: ${hardware.count - processes} of the ${hardware.count} GPUs stay idle.` });
  return notes;
};

/** The flags in the order the scripts write them; the ones the scripts leave out follow, then --save_file. */
const flagsFor = (plan: Plan, inputs: LaunchInputs): LaunchFlag[] => {
  const { params, parallel } = plan;
  const single = parallel.mode === "single";
  return [
    ["--ulysses_size", String(parallel.ulyssesSize)],
    ["--task", "s2v-14B"],
    ["--size", params.size],
    ["--base_seed", String(inputs.baseSeed ?? SCRIPT_BASE_SEED)],
    ["--training_config", TRAINING_CONFIG],
    ["--offload_model", params.offloadModel ? "True" : "False"],
    ...on(params.convertModelDtype, "--convert_model_dtype"),
    ["--prompt", inputs.prompt ?? SCRIPT_INPUTS.prompt],
    ["--image", inputs.image ?? SCRIPT_INPUTS.image],
    ["--audio", inputs.audio ?? SCRIPT_INPUTS.audio],
    ["--infer_frames", String(params.inferFrames)],
    ...on(params.loadLora, "--load_lora"),
    ...(params.loadLora ? [["--lora_path_dmd", inputs.loraPath ?? SCRIPT_INPUTS.loraPath] as const] : []),
    ["--sample_steps", String(params.sampleSteps)],
    ["--sample_guide_scale", String(params.sampleGuideScale)],
    // Once the audio's length is known, the clips that will run: upstream caps num_clip there anyway.
    ["--num_clip", String(clipCount(plan).numClipFlag)],
    ["--num_gpus_dit", String(parallel.numGpusDit)],
    ["--sample_solver", params.sampleSolver],
    ...on(single, "--single_gpu"),
    ...on(!single && parallel.enableVaeParallel, "--enable_vae_parallel"),
    ["--ckpt_dir", inputs.ckptDir ?? SCRIPT_INPUTS.ckptDir],
    ...on(params.fp8, "--fp8"),
    ...on(params.t5Cpu, "--t5_cpu"),
    ...on(parallel.t5Fsdp, "--t5_fsdp"),
    ...on(parallel.ditFsdp, "--dit_fsdp"),
    ...on(params.offloadKvCache, "--offload_kv_cache"),
    ...on(params.enableOnlineDecode, "--enable_online_decode"),
    ...(inputs.saveFile ? [["--save_file", inputs.saveFile] as const] : []),
  ];
};

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
const DOUBLE_QUOTE_SAFE = /^[^$`\\"!]*$/;

/** Shell quoting: bare where nothing needs it, double quotes as the scripts write them, single quotes for the rest. */
export const shellQuote = (word: string): string => {
  if (SAFE_WORD.test(word)) return word;
  if (DOUBLE_QUOTE_SAFE.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
};

const CONTINUATION = " \\\n     ";

/**
 * The exact LiveAvatar command for a plan: infinite_inference_single_gpu.sh's for mode single, infinite_inference_multi_gpu.sh's
 * (TPP) for mode tpp, each store_true flag present iff the plan sets it, and the plan's Headroom or field-report settings said
 * in comments above it (no flag carries them).
 */
export const launchCommand = (plan: Plan, inputs: LaunchInputs = {}): LaunchCommand => {
  const single = plan.parallel.mode === "single";
  const processes = single ? 1 : plan.hardware.count;
  const devices = inputs.cudaDevices ?? Array.from({ length: processes }, (_, index) => index);
  const env = [
    ["CUDA_VISIBLE_DEVICES", devices.join(",")],
    ["NCCL_DEBUG", "WARN"],
    ["NCCL_DEBUG_SUBSYS", "OFF"],
    ["ENABLE_COMPILE", plan.params.enableCompile ? "true" : "false"],
  ] as const;
  const launcher = [`--nproc_per_node=${processes}`, `--master_port=${inputs.masterPort ?? SCRIPT_MASTER_PORTS[plan.parallel.mode]}`, LIVEAVATAR_ENTRY];
  const flags = flagsFor(plan, inputs);
  const notes = notesFor(plan, processes);
  const text = [
    ...notes.map((note) => `# ${note.text}`),
    ...env.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ["torchrun", ...launcher].join(" ") + flags.map((flag) => CONTINUATION + flag.map(shellQuote).join(" ")).join(""),
  ].join("\n");
  return { env, launcher, flags, args: [...launcher, ...flags.flat()], notes, text };
};

/** One flag (or env switch, or torchrun argument) whose value differs from the upstream script's; null = absent. */
export type ScriptDifference = { flag: string; script: string | null; plan: string | null };

/** A value in the difference list: a store_true flag is "on" or "off", one the command leaves out "not passed". */
export const showScriptValue = (value: string | null, other: string | null): string =>
  value === null ? (other === "" ? "off" : "not passed") : value === "" ? "on" : value;

const keyed = (command: LaunchCommand): Map<string, string> =>
  new Map<string, string>([
    ...command.env.map(([name, value]) => [name, value] as const),
    ...command.launcher.slice(0, 2).map((arg) => arg.split("=") as [string, string]),
    ...command.flags.map(([name, ...values]) => [name, values.join(" ")] as const),
  ]);

/** The upstream script for the plan's GPU count, as resolvePlan fills it: the single-GPU script for one, the multi-GPU for more. */
export const scriptPlanFor = (plan: Plan): Plan =>
  resolvePlan({ model: plan.model, hardware: { gpu: plan.hardware.gpu, custom: plan.hardware.custom, count: plan.hardware.count } });

/**
 * Every flag of the plan's command that the upstream script for its GPU count passes otherwise (or not at all), in the
 * script's order (then the plan's additions), with the same image, audio and prompt on both sides.
 */
export const scriptDifferences = (plan: Plan, inputs: LaunchInputs = {}): ScriptDifference[] => {
  const mine = keyed(launchCommand(plan, inputs));
  const theirs = keyed(launchCommand(scriptPlanFor(plan), inputs));
  const names = [...new Set([...theirs.keys(), ...mine.keys()])];
  return names.flatMap((flag) => {
    const planValue = mine.get(flag) ?? null;
    const scriptValue = theirs.get(flag) ?? null;
    return planValue === scriptValue ? [] : [{ flag, script: scriptValue, plan: planValue }];
  });
};

/** The upstream script a plan is compared with: withScriptDefaults takes the multi-GPU script's values past one GPU. */
export const scriptNameFor = (plan: Plan): string => (plan.hardware.count > 1 ? "infinite_inference_multi_gpu.sh" : "infinite_inference_single_gpu.sh");

/** What every surface shows: the command, the script it is compared with, and each flag that differs from it. */
export type LaunchReport = { command: LaunchCommand; script: string; differences: ScriptDifference[] };

export const launchReport = (plan: Plan, inputs: LaunchInputs = {}): LaunchReport => ({
  command: launchCommand(plan, inputs),
  script: scriptNameFor(plan),
  differences: scriptDifferences(plan, inputs),
});
