import type { Source } from "./sources.ts";
import { measured, upstream } from "./sources.ts";

/**
 * How much longer a DiT forward takes than with upstream's default kernels (--fp8 with ENABLE_COMPILE=true, the pair the
 * README's 45 FPS was measured with and DIT_OVERHEAD_FACTOR is fitted to). Named, one per lever pair, each with the runs
 * behind it. Interim: issue 13's upstream runs (704x384-c2 / -eager-c2 / -bf16-eager-c2 / -bf16-c2 in
 * apps/worker/python/upstream_batch.py) time these pairs on upstream's own kernels and replace them.
 *
 * Self-attention through cuDNN, the RoPE rewrite and the merged LoRA are always on at @9c2c38d: not levers, inside the fit.
 */
export const KERNEL_SETS = ["compiled-fp8", "compiled-bf16", "eager-fp8", "eager-bf16"] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];

export type KernelFactor = { kernels: KernelSet; label: string; factor: number; source: Source };

/** The forward the README's 45 FPS implies on 5 × H100-class in TPP: 48 frames per clip ÷ 45 FPS ÷ 4 pipelined blocks. */
export const README_COMPILED_FORWARD_SECONDS = 48 / 45 / 4;

/**
 * The probe's eager forwards at the single-GPU script's plan (704×384, 48 frames) on an H200, whose bf16 peak is the
 * H100's (989 TFLOP/s): the medians apps/cli calibration.test.ts recomputes from the files.
 */
export const PROBE_EAGER_FORWARD_SECONDS = { fp8: 0.3553, bf16: 0.3418 } as const;

/**
 * Upstream's own eager fp8 forward at the same plan on an H200 (data/measurements/upstream-704x384-eager-c2.json, the
 * reference instrument): the median apps/cli calibration.test.ts recomputes from the file. 10 % over the probe's.
 */
export const UPSTREAM_EAGER_FP8_FORWARD_SECONDS = 0.3903;

/** Upstream's eager fp8 against the README's compiled forward. */
const EAGER_FP8_FACTOR = UPSTREAM_EAGER_FP8_FORWARD_SECONDS / README_COMPILED_FORWARD_SECONDS;

/** bf16 against fp8 with compile: the README calls fp8's speed gain "modest"; a user timed about 10 % (issue #34). */
export const COMPILED_BF16_FACTOR = 1.1;

export const KERNEL_FACTORS: Record<KernelSet, KernelFactor> = {
  "compiled-fp8": {
    kernels: "compiled-fp8",
    label: "fp8 + compiled (the scripts' default)",
    factor: 1,
    source: upstream("README @9c2c38d: 45 FPS on multi-GPU H800 with FP8 + compilation + cuDNN attention", "the fit point"),
  },
  "compiled-bf16": {
    kernels: "compiled-bf16",
    label: "bf16, compiled (no --fp8)",
    factor: COMPILED_BF16_FACTOR,
    source: upstream("README @9c2c38d (FP8 gives \"modest performance gains\"); github.com/Alibaba-Quark/LiveAvatar/issues/34 (about 10 %)"),
  },
  "eager-fp8": {
    kernels: "eager-fp8",
    label: "fp8, eager (ENABLE_COMPILE=false)",
    factor: EAGER_FP8_FACTOR,
    source: measured(
      "secondsPerForward in data/measurements/upstream-704x384-eager-c2.json (upstream's own code, eager fp8, H200: 0.390 s) ÷ the 0.267 s forward the README's 45 FPS implies",
      "the probe's eager fp8 forward (h100-704x384-default.json: 0.355 s) runs 9 % under upstream's",
    ),
  },
  "eager-bf16": {
    kernels: "eager-bf16",
    label: "bf16, eager (no --fp8, ENABLE_COMPILE=false)",
    factor: EAGER_FP8_FACTOR * (PROBE_EAGER_FORWARD_SECONDS.bf16 / PROBE_EAGER_FORWARD_SECONDS.fp8),
    source: measured(
      "upstream's eager fp8 factor (upstream-704x384-eager-c2.json: 0.390 s ÷ 0.267 s) × the probe's eager bf16/fp8 ratio (h100-704x384-bf16-cap79.json 0.342 s ÷ h100-704x384-default.json 0.355 s, H200: eager fp8 quantizes every activation)",
      "upstream has not timed eager bf16 yet; its 704x384-bf16-eager-c2 run replaces this",
    ),
  },
};

export const kernelSet = (params: { fp8: boolean; enableCompile: boolean }): KernelSet =>
  `${params.enableCompile ? "compiled" : "eager"}-${params.fp8 ? "fp8" : "bf16"}`;

export const kernelFactor = (params: { fp8: boolean; enableCompile: boolean }): KernelFactor => KERNEL_FACTORS[kernelSet(params)];
