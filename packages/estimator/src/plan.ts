import { z } from "zod";
import { GPU_IDS, HOST_LINKS } from "./gpu-catalog.ts";

/** `SUPPORTED_SIZES['s2v-14B']` in LiveAvatar's wan_2_2 configs (width*height as the flag writes it). */
export const SUPPORTED_SIZES = [
  "720*1280", "1280*720", "480*832", "832*480", "1024*704", "704*1024",
  "704*1280", "1280*704", "384*256", "720*400", "704*384", "688*368",
] as const;

export const MODEL_IDS = ["liveavatar-1.0", "wan2.2-s2v-14b"] as const;

/** `--size` as LiveAvatar writes it: `W*H`. Unsupported-but-well-formed sizes are a rule finding, not a parse error. */
export const Size = z.string().regex(/^[1-9]\d{1,4}\*[1-9]\d{1,4}$/, "size must look like 704*384 (width*height)");

const count = z.number().int();

/** LiveAvatar's own flags (minimal_inference/s2v_streaming_interact.py), camelCased. */
export const Params = z.object({
  size: Size,
  /** Upstream reads 10000 as "the whole audio"; far past it only overflows the arithmetic. */
  numClip: count.min(1).max(100_000),
  inferFrames: count.min(1).max(1000),
  sampleSteps: count.min(1).max(100),
  sampleGuideScale: z.number().min(0).max(50),
  sampleSolver: z.enum(["euler", "unipc", "dpm++"]),
  offloadModel: z.boolean(),
  convertModelDtype: z.boolean(),
  fp8: z.boolean(),
  t5Cpu: z.boolean(),
  offloadKvCache: z.boolean(),
  enableOnlineDecode: z.boolean(),
  loadLora: z.boolean(),
  enableCompile: z.boolean(),
  /** Headroom's loader patch: quantize to FP8 on the CPU before the DiT reaches the GPU (upstream loads bf16 onto the GPU first). */
  quantizeOnCpu: z.boolean(),
  /** The field report's `--fp16` (FR-11); upstream has no such flag and runs bf16. */
  precision: z.enum(["bf16", "fp16"]),
  /** Length of the driving audio; caps the clips actually generated (num_clip 10000 = "the whole audio"). */
  audioSeconds: z.number().positive().max(24 * 3600).nullable(),
  /** Headroom's own: the reference image's W*H, which decides the frame (get_gen_size); null = the scripts' example image. */
  imageSize: Size.nullable(),
});
export type Params = z.infer<typeof Params>;

export const Parallel = z.object({
  /** Upstream picks by WORLD_SIZE: 1 → single GPU, ≥ 5 → TPP (4 DiT ranks + 1 VAE rank). */
  mode: z.enum(["single", "tpp"]),
  numGpusDit: count.min(1).max(64),
  enableVaeParallel: z.boolean(),
  ditFsdp: z.boolean(),
  t5Fsdp: z.boolean(),
  ulyssesSize: count.min(1).max(64),
  /** "block" is LiveAvatar's wrapping (one FSDP unit per block); "model" is the field report's picture (FR-4, FR-13). */
  fsdpWrap: z.enum(["block", "model"]),
  /** The field report's patch `CPUOffload(offload_params=True)` (FR-12); not an upstream flag. */
  fsdpCpuOffload: z.boolean(),
});
export type Parallel = z.infer<typeof Parallel>;

export const CustomGpu = z.object({
  name: z.string().min(1).max(80),
  vramGib: z.number().positive().max(1024),
  bf16Tflops: z.number().positive().max(100000),
  memoryBandwidthGbPerS: z.number().positive().max(100000),
});
export type CustomGpu = z.infer<typeof CustomGpu>;

export const Hardware = z.object({
  gpu: z.enum([...GPU_IDS, "custom"]),
  custom: CustomGpu.nullable(),
  count: count.min(1).max(64),
  /** null: not given; the report states what the run needs instead of judging against an assumed size. */
  hostRamGb: z.number().positive().max(65536).nullable(),
  hostLink: z.enum(HOST_LINKS),
  /** What `nvidia-smi topo -m` shows between GPU0 and GPU1 (FR-18). */
  gpuTopology: z.enum(["NV", "PIX", "PXB", "PHB", "NODE", "SYS"]),
});
export type Hardware = z.infer<typeof Hardware>;

export const Plan = z
  .object({
    model: z.enum(MODEL_IDS),
    params: Params,
    hardware: Hardware,
    parallel: Parallel,
  })
  .refine((p) => p.hardware.gpu !== "custom" || p.hardware.custom !== null, {
    message: "a custom GPU needs its VRAM and rates",
    path: ["hardware", "custom"],
  });
export type Plan = z.infer<typeof Plan>;

/** What a person or a URL may leave out: the launch script for the GPU count fills the rest. */
export const PlanInput = z.object({
  model: z.enum(MODEL_IDS).optional(),
  params: Params.partial().optional(),
  hardware: Hardware.partial().optional(),
  parallel: Parallel.partial().optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export type PlanPatch = {
  params?: Partial<Params>;
  hardware?: Partial<Hardware>;
  parallel?: Partial<Parallel>;
};

export const applyPatch = (plan: Plan, patch: PlanPatch): Plan => ({
  ...plan,
  params: { ...plan.params, ...patch.params },
  hardware: { ...plan.hardware, ...patch.hardware },
  parallel: { ...plan.parallel, ...patch.parallel },
});

export const parseSize = (size: string): { width: number; height: number } => {
  const star = size.indexOf("*");
  return { width: Number(size.slice(0, star)) || 0, height: Number(size.slice(star + 1)) || 0 };
};
