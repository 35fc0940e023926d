import type { Source } from "./sources.ts";
import { measured } from "./sources.ts";

/**
 * How much longer a DiT forward takes than with upstream's default kernels (--fp8 with ENABLE_COMPILE=true, the kernels
 * DIT_LAUNCH_SECONDS and DIT_OVERHEAD_FACTOR are fitted to), at the single-GPU script's plan (704×384, 48 frames).
 * Named, one per lever pair, each the ratio of two of upstream's own timed forwards (apps/worker/python/upstream_batch.py:
 * 704x384-c2 / -bf16-c2 / -eager-c2 / -bf16-eager-c2, one H200, same plan, cuDNN self-attention). apps/cli
 * calibration.test.ts recomputes the medians from the files and holds these to them.
 *
 * Self-attention through cuDNN, the RoPE rewrite and the merged LoRA are always on at @9c2c38d: not levers, inside the fit.
 */
export const KERNEL_SETS = ["compiled-fp8", "compiled-bf16", "eager-fp8", "eager-bf16"] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];

export type KernelFactor = { kernels: KernelSet; label: string; factor: number; source: Source };

/**
 * The probe's eager forwards at the single-GPU script's plan (704×384, 48 frames) on an H200, whose bf16 peak is the
 * H100's (989 TFLOP/s): the medians apps/cli calibration.test.ts recomputes from the files (h200-704x384-default-c2,
 * -bf16-c2: the probe's twins of upstream's runs; on an H100 the same probe took 0.398 and 0.375 s).
 */
export const PROBE_EAGER_FORWARD_SECONDS = { fp8: 0.3533, bf16: 0.346 } as const;

/**
 * Upstream's own DiT forward (median secondsPerForward, 704×384, 48 frames, one H200) per kernel set:
 * data/measurements/upstream-704x384-{c2,bf16-c2,eager-c2,bf16-eager-c2}.json.
 */
export const UPSTREAM_FORWARD_SECONDS: Record<KernelSet, number> = {
  "compiled-fp8": 0.3064,
  "compiled-bf16": 0.3111,
  "eager-fp8": 0.3903,
  "eager-bf16": 0.3796,
};
export const UPSTREAM_EAGER_FP8_FORWARD_SECONDS = UPSTREAM_FORWARD_SECONDS["eager-fp8"];

/**
 * PyTorch's SDPA in place of upstream's cuDNN self-attention, eager fp8 (upstream-704x384-eager-sdpa-c2 ÷ -eager-c2,
 * H200: 0.449 s ÷ 0.390 s). Not a lever at @9c2c38d (cuDNN is always on); v1.0 had no cuDNN attention.
 */
export const SDPA_SELF_ATTENTION_FACTOR = 1.15;

const FILE = (run: string) => `data/measurements/upstream-704x384-${run}.json`;
const over = (set: KernelSet) => UPSTREAM_FORWARD_SECONDS[set] / UPSTREAM_FORWARD_SECONDS["compiled-fp8"];
const ratioSource = (set: KernelSet, run: string, what: string) =>
  measured(
    `secondsPerForward in ${FILE(run)} ÷ ${FILE("c2")} (upstream's own code, one H200: ${UPSTREAM_FORWARD_SECONDS[set].toFixed(3)} s ÷ ${UPSTREAM_FORWARD_SECONDS["compiled-fp8"].toFixed(3)} s)`,
    what,
  );

export const KERNEL_FACTORS: Record<KernelSet, KernelFactor> = {
  "compiled-fp8": {
    kernels: "compiled-fp8",
    label: "fp8 + compiled (the scripts' default)",
    factor: 1,
    source: measured(`secondsPerForward in ${FILE("c2")} (upstream's own code, fp8 + compiled, one H200: 0.306 s)`, "the kernels the forward's launch + roofline line is fitted to (throughput.ts)"),
  },
  "compiled-bf16": {
    kernels: "compiled-bf16",
    label: "bf16, compiled (no --fp8)",
    factor: over("compiled-bf16"),
    source: ratioSource("compiled-bf16", "bf16-c2", "fp8's gain is small at this size, as the README says (\"modest\")"),
  },
  "eager-fp8": {
    kernels: "eager-fp8",
    label: "fp8, eager (ENABLE_COMPILE=false)",
    factor: over("eager-fp8"),
    source: ratioSource("eager-fp8", "eager-c2", "the probe's eager fp8 forward (h200-704x384-default-c2.json: 0.353 s) runs 9 % under upstream's"),
  },
  "eager-bf16": {
    kernels: "eager-bf16",
    label: "bf16, eager (no --fp8, ENABLE_COMPILE=false)",
    factor: over("eager-bf16"),
    source: ratioSource("eager-bf16", "bf16-eager-c2", "eager fp8 is slower than eager bf16: uncompiled, quant_fp8 scales every activation"),
  },
};

export const kernelSet = (params: { fp8: boolean; enableCompile: boolean }): KernelSet =>
  `${params.enableCompile ? "compiled" : "eager"}-${params.fp8 ? "fp8" : "bf16"}`;

export const kernelFactor = (params: { fp8: boolean; enableCompile: boolean }): KernelFactor => KERNEL_FACTORS[kernelSet(params)];
