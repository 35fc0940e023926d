import { GPU_IDS, HOST_LINKS } from "./gpu-catalog.ts";
import { MODEL_IDS } from "./plan.ts";

/** One Plan field as a flag / query key, named after the upstream flag (snake_case) where one exists. */
export type PlanField = {
  flag: string;
  group: "model" | "params" | "parallel" | "hardware" | "custom";
  key: string;
  type: "int" | "number" | "bool" | "string" | "enum";
  values?: readonly string[];
  /** true where LiveAvatar has this flag; false for Headroom's own or the field report's. */
  upstream: boolean;
  help: string;
  /** true where the Plan holds null for "not given": an empty value clears the field instead of failing. */
  isOptional?: true;
};

const f = (flag: string, group: PlanField["group"], key: string, type: PlanField["type"], upstream: boolean, help: string, values?: readonly string[]): PlanField =>
  ({ flag, group, key, type, upstream, help, ...(values ? { values } : {}) });

/** A field the user may leave out; the Plan then holds null and the report says what was assumed or needed. */
const optional = (field: PlanField): PlanField => ({ ...field, isOptional: true });

export const PLAN_FIELDS: readonly PlanField[] = [
  f("model", "model", "model", "enum", false, "model profile", MODEL_IDS),
  f("size", "params", "size", "string", true, "output area W*H, e.g. 704*384"),
  f("num_clip", "params", "numClip", "int", true, "clips to generate (10000 = the whole audio)"),
  f("infer_frames", "params", "inferFrames", "int", true, "frames per clip"),
  f("sample_steps", "params", "sampleSteps", "int", true, "denoising steps"),
  f("sample_guide_scale", "params", "sampleGuideScale", "number", true, "CFG scale (0 = no guidance pass)"),
  f("sample_solver", "params", "sampleSolver", "enum", true, "sampler", ["euler", "unipc", "dpm++"]),
  f("offload_model", "params", "offloadModel", "bool", true, "move encoders/VAE (and DiT around decode) to CPU"),
  f("convert_model_dtype", "params", "convertModelDtype", "bool", true, "cast weights to the param dtype"),
  f("fp8", "params", "fp8", "bool", true, "FP8 linear weights"),
  f("t5_cpu", "params", "t5Cpu", "bool", true, "run the T5 text encoder on the CPU"),
  f("offload_kv_cache", "params", "offloadKvCache", "bool", true, "keep the KV cache in host RAM"),
  f("enable_online_decode", "params", "enableOnlineDecode", "bool", true, "decode each clip as it is produced"),
  f("load_lora", "params", "loadLora", "bool", true, "load the LiveAvatar LoRA"),
  f("enable_compile", "params", "enableCompile", "bool", true, "env ENABLE_COMPILE (torch.compile)"),
  f("quantize_on_cpu", "params", "quantizeOnCpu", "bool", false, "Headroom loader patch: FP8-quantize on the CPU before moving the DiT to the GPU"),
  f("precision", "params", "precision", "enum", false, "bf16 (upstream) or fp16 (the field report's --fp16, FR-11)", ["bf16", "fp16"]),
  optional(f("audio_seconds", "params", "audioSeconds", "number", false, "length of the driving audio in seconds")),
  optional(f("image_size", "params", "imageSize", "string", false, "reference image W*H; decides the frame (left out: the scripts' example image, 720*400)")),
  f("mode", "parallel", "mode", "enum", false, "single GPU or TPP (4 DiT + 1 VAE rank)", ["single", "tpp"]),
  f("num_gpus_dit", "parallel", "numGpusDit", "int", true, "GPUs running the DiT"),
  f("enable_vae_parallel", "parallel", "enableVaeParallel", "bool", true, "decode on a separate GPU"),
  f("dit_fsdp", "parallel", "ditFsdp", "bool", true, "shard the DiT with FSDP"),
  f("t5_fsdp", "parallel", "t5Fsdp", "bool", true, "shard T5 with FSDP"),
  f("ulysses_size", "parallel", "ulyssesSize", "int", true, "sequence parallel degree (unsupported upstream)"),
  f("fsdp_wrap", "parallel", "fsdpWrap", "enum", false, "FSDP unit: block (upstream) or model (FR-4)", ["block", "model"]),
  f("fsdp_cpu_offload", "parallel", "fsdpCpuOffload", "bool", false, "the field report's CPUOffload patch (FR-12)"),
  f("gpu", "hardware", "gpu", "enum", false, "GPU model", [...GPU_IDS, "custom"]),
  f("count", "hardware", "count", "int", false, "number of GPUs"),
  optional(f("host_ram_gb", "hardware", "hostRamGb", "number", false, "host RAM in GB (left out: the report states what the run needs)")),
  f("host_link", "hardware", "hostLink", "enum", false, "PCIe link per GPU", HOST_LINKS),
  f("gpu_topology", "hardware", "gpuTopology", "enum", false, "nvidia-smi topo -m between GPU0 and GPU1", ["NV", "PIX", "PXB", "PHB", "NODE", "SYS"]),
  f("custom_name", "custom", "name", "string", false, "custom GPU name"),
  f("custom_vram_gib", "custom", "vramGib", "number", false, "custom GPU usable VRAM in GiB"),
  f("custom_bf16_tflops", "custom", "bf16Tflops", "number", false, "custom GPU dense bf16 TFLOPS"),
  f("custom_bandwidth_gbps", "custom", "memoryBandwidthGbPerS", "number", false, "custom GPU memory bandwidth GB/s"),
];

const BY_NAME = new Map<string, PlanField>(
  PLAN_FIELDS.flatMap((field) => [[field.flag, field], [field.flag.replaceAll("_", "-"), field]] as const),
);

/** Accepts the upstream spelling (`num_clip`) and kebab-case (`num-clip`). */
export const findField = (name: string): PlanField | undefined => BY_NAME.get(name);

export type Coerced = { ok: true; value: string | number | boolean | null } | { ok: false; message: string };

/** Plain decimal only: `0x10`, `0b11`, `1e3`, `+5`, ` 5` and `5.` are refused, not read as some other number. */
const INT_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

const BOOL_WORDS: Record<string, boolean> = { true: true, false: false, "1": true, "0": false, yes: true, no: false, on: true, off: false };

export const coerceField = (field: PlanField, raw: string): Coerced => {
  const text = raw.trim();
  if (text === "" && field.isOptional) return { ok: true, value: null };
  switch (field.type) {
    case "bool": {
      const value = BOOL_WORDS[text.toLowerCase()];
      return value === undefined ? { ok: false, message: `expects true or false, got "${raw}"` } : { ok: true, value };
    }
    case "int":
    case "number": {
      const value = Number(text);
      if (text === "" || Number.isNaN(value)) return { ok: false, message: `expects a number, got "${raw}"` };
      if (field.type === "int" && NUMBER_TEXT.test(raw) && !Number.isInteger(value)) return { ok: false, message: `expects a whole number, got "${raw}"` };
      if (!(field.type === "int" ? INT_TEXT : NUMBER_TEXT).test(raw)) {
        return { ok: false, message: `expects ${field.type === "int" ? "a whole number" : "a number"} in plain decimal digits${field.type === "int" ? "" : " (e.g. 2.5)"}, got "${raw}"` };
      }
      return { ok: true, value };
    }
    case "enum":
      return field.values?.includes(text) ? { ok: true, value: text } : { ok: false, message: `expects one of ${field.values?.join(", ")}, got "${raw}"` };
    case "string":
      return text === "" ? { ok: false, message: "expects a value" } : { ok: true, value: text };
  }
};
