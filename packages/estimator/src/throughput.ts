import type { EstimateContext } from "./estimate-context.ts";
import type { SpeedEstimate, Term } from "./estimate-types.ts";
import { ditForwardFlops, vaeDecodeFlops, vaeEncodeFlops } from "./flops.ts";
import { assumption, fieldReport, measured, upstream } from "./sources.ts";
import { secondsTerm } from "./term.ts";
import { speedRanges } from "./speed-error-bar.ts";
import { DEFAULT_AUDIO_SECONDS } from "./audio-embedding.ts";
import { singleDecodeOutputFrames } from "./vae-decode.ts";
import { kernelFactor } from "./kernel-factors.ts";
import { GPU_CATALOG } from "./gpu-catalog.ts";
import { audioEncoderBytes, BF16_BYTES, ditWeightBytes, textEncoderBytes, vaeWeightBytes } from "./weights.ts";

const SRC_DIT_FIT = measured(
  "secondsPerForward in data/measurements/upstream-704x384-c2-cap79.json and upstream-384x256-q8cpu-offloadkv-t5cpu-cap24-expandable.json (upstream's own fp8 + compiled forward, one H100: 0.312 s at 704×384, 0.188 s at 384×256)",
  "DIT_LAUNCH_SECONDS + the bf16 roofline at 780 of 989 TFLOP/s (liveavatar.md: one Wan block on H100) × DIT_OVERHEAD_FACTOR, the line through the two",
);
const SRC_KV_OFFLOAD = measured("secondsPerStep − secondsPerForward in data/measurements/upstream-384x256-*-cap24*.json (upstream's own --offload_kv_cache, one H100)", "pageable copies; tensors over glibc's 32 MiB mmap threshold fault their pages in on the way out");
const SRC_FSDP = upstream("distributed/fsdp.py");
const SRC_VAE_RATE = measured(
  "decodeSecondsPerClip in data/measurements/upstream-704x384-eager-c2.json (upstream's own code, H200: 7.07 s median for 92 + 12 latents → 413 frames at 704×384)",
  "fitted with the re-encode so the two ratios' geometric mean is 1; 0.36 of it scales with the card's bandwidth (upstream-704x384-c2-cap79*.json: the H100 took 1.15× the H200's time)",
);
const SRC_VAE_RANK_SWAP = upstream("causal_s2v_pipeline_tpp.py: offloading model to cpu", "the first .cpu() moves the DiT; later calls find it there");
const SRC_REENCODE_RATE = measured(
  "reencodeSeconds in data/measurements/upstream-704x384-eager-c2.json (upstream's own code, H200: 3.83 s for 365 frames at 704×384; the probe's 3.16 s runs ~17 % faster)",
  "causal_s2v_pipeline.py ~1172–1185: each clip's newest frames replace the oldest of the 365-frame context, encoded again",
);
const SRC_STARTUP = assumption("2 GB/s load", "compile: upstream-704x384-c2.json's compileSeconds, 119 s cold on one H200");
const SRC_FR12 = fieldReport("FR-12");

/** bf16 matmul efficiency: one Wan block ran at ~780 of 989 TFLOP/s on the device tool's H100 (liveavatar.md). */
export const DIT_EFFICIENCY = 0.79;
/**
 * A forward is a fixed part and a part that scales with the roofline. The fixed part is launch-bound (40 blocks of
 * kernels dispatched from the host, the same at any frame); the rest is everything the bf16 matmul roofline leaves out
 * (norms and modulation, rope, fp8 scaling). Both from upstream's own compiled fp8 forwards on one H100: 0.312 s at
 * 704×384 (a 12,672-token window) and 0.188 s at 384×256 — a forward at 0.30 of the flops took 0.60 of the time, which a
 * single factor on the roofline (the earlier fit) cannot give. The H200's 0.306 s at 704×384 sits 2 % under the line.
 * The README's 45 FPS on 5 × H800 is held as an observation (speed-observations.ts). fp8's doubled tensor-core rate does
 * not show (compiled bf16 runs 1.02× fp8's time, kernel-factors.ts); the other kernel levers multiply this. The launch
 * part is host time: taken as the same on every card (not measured apart from the H100's host).
 */
export const DIT_LAUNCH_SECONDS = 0.1344;
export const DIT_OVERHEAD_FACTOR = 1.024;
/**
 * The VAE's causal conv3d, one latent frame at a time: 9.47 % of the bf16 peak, fitted on upstream's own code
 * (data/measurements/upstream-704x384-eager-c2.json, H200: 413 frames at 704×384 decoded in 7.07 s per clip, the
 * 365-frame context re-encoded in 3.83 s), one efficiency for both: the geometric mean of measured ÷ predicted is 1
 * (decode 0.99, re-encode 1.01). The probe's VAE runs ~17 % faster than upstream's (5.93 s and 3.16 s on the same
 * H200, 0.83× the time; its 384×256 runs decode at the same rate as its 704×384 ones), so the probe's VAE timings are
 * held to that gap, not to this fit.
 */
export const VAE_EFFICIENCY = 0.0947;
/**
 * The share of the VAE's time on the H200 that waits on memory and scales with the card's bandwidth (the rest scales
 * with its bf16 peak): the H100 (the H200's bf16 peak, 0.70 of its bandwidth) decoded and re-encoded at 704×384 in 1.15×
 * the H200's time on two machines (upstream-704x384-c2-cap79.json, -host2: 8.22 / 8.23 s and 4.43 s, against 7.12 and
 * 3.85 on the H200), so 0.154 ÷ (4800 / 3350 − 1). At 384×256 the H100 ran 1.24–1.27× the H200 fit: the smaller frame
 * waits on memory more (not a term: 7 % under there).
 */
export const VAE_MEMORY_SHARE = 0.36;
/** Seconds per VAE flop on a card: its compute share at its bf16 peak, its memory share at its bandwidth, both fitted on the H200. */
export const vaeSecondsPerFlop = (gpu: { bf16Tflops: number; memoryBandwidthGbPerS: number }): number => {
  const { h200 } = GPU_CATALOG;
  const memory = (VAE_MEMORY_SHARE * h200.memoryBandwidthGbPerS) / (h200.bf16Tflops * gpu.memoryBandwidthGbPerS);
  return ((1 - VAE_MEMORY_SHARE) / gpu.bf16Tflops + memory) / (1e12 * VAE_EFFICIENCY);
};
/** safetensors read from local NVMe, then cast. */
export const LOAD_BYTES_PER_S = 2e9;
/**
 * First-call torch.compile of upstream's compiled functions (ENABLE_COMPILE=true: the streaming forward, the rope
 * functions; quant_fp8 always): what upstream's first compiled run spent beyond its steady forwards, cold cache, one H200
 * (data/measurements/upstream-704x384-c2.json compileSeconds 118.8; bf16 after it, half-warm cache: 74.6).
 */
export const COMPILE_SECONDS = 119;

/** `--num_clip 10000` is the scripts' way to say "the whole audio". */
export const WHOLE_AUDIO_NUM_CLIP = 10000;

/** Clips actually generated: num_clip, capped by the audio's own clip count (liveavatar.md). */
export const clipsToGenerate = (params: { numClip: number; inferFrames: number; audioSeconds: number | null }, fps: number): number => {
  const audioSeconds = params.audioSeconds ?? (params.numClip >= WHOLE_AUDIO_NUM_CLIP ? DEFAULT_AUDIO_SECONDS : null);
  const audioClips = audioSeconds === null ? Infinity : Math.ceil((audioSeconds * fps) / params.inferFrames);
  return Math.min(params.numClip, audioClips);
};

/**
 * Each step moves its cache in (`.to("cuda")`) and the previous one out (`.to("cpu")`): 80 k/v tensors of the window and
 * 80 of the cond cache per direction (_move_kv_cache_to_working_gpu). Moving out allocates a fresh pageable host tensor
 * for each: glibc hands a block over 32 MiB (its largest mmap threshold) fresh pages from the kernel every time, and
 * faulting them in is what the copy waits on; smaller blocks come back from the heap. A CPU experiment shows the cliff
 * (data/measurements/host/alloc-cliff.json). Rates from upstream's own runs on one H100
 * (data/measurements/upstream-384x256-*-cap24*.json): the 12-frame step (every tensor under 32 MiB) moved 2 × 3.24 GB in
 * 0.62 s — 10.5 GB/s; the 48-frame step (45 MiB window tensors) took 3.40 s (its median step; 3.35 at a long run's
 * pace, stage-timings.ts steadyStep), which leaves 1.45 GB/s for the window's way out. Both capped by the host link.
 */
export const HOST_MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024;
export const KV_COPY_BYTES_PER_S = 10.5e9;
export const KV_COPY_FAULTING_BYTES_PER_S = 1.45e9;

/** Seconds to move one step cache in and the previous one out, tensor by tensor size. */
export const kvCopySeconds = (windowTokens: number, condTokens: number, layers: number, bytesPerTokenPerTensor: number, linkBytesPerS: number): number => {
  const fast = Math.min(linkBytesPerS, KV_COPY_BYTES_PER_S);
  const faulting = Math.min(linkBytesPerS, KV_COPY_FAULTING_BYTES_PER_S);
  const tensors = 2 * layers; // k and v of every layer
  const out = (tokens: number) => {
    const bytes = tokens * bytesPerTokenPerTensor;
    return (tensors * bytes) / (bytes > HOST_MMAP_THRESHOLD_BYTES ? faulting : fast);
  };
  const inSeconds = (tensors * (windowTokens + condTokens) * bytesPerTokenPerTensor) / fast;
  return inSeconds + out(windowTokens) + out(condTokens);
};

export const estimateSpeed = (ctx: EstimateContext): SpeedEstimate => {
  const { plan, profile, gpu, blocks, ditRanks, fsdpRanks } = ctx;
  const { params, parallel } = plan;
  const flops = ditForwardFlops(ctx.tokens, ctx.kv.windowTokens, profile);
  const roofline = (flops.linear + flops.attention) / (gpu.bf16Tflops * 1e12 * DIT_EFFICIENCY);
  const computeSeconds = DIT_LAUNCH_SECONDS + roofline * DIT_OVERHEAD_FACTOR;
  const kernels = kernelFactor(params);
  const kernelSeconds = computeSeconds * (kernels.factor - 1);
  const whole = ditWeightBytes(profile, params.fp8);

  const layout = ctx.kv;
  // Each step copies its cache in and the previous one back out (_move_kv_cache_to_working_gpu).
  const perTokenPerTensor = profile.dit.heads * profile.dit.headDim * BF16_BYTES;
  const kvSeconds = parallel.mode === "single" && params.offloadKvCache
    ? kvCopySeconds(layout.windowTokens, layout.condTokens, profile.dit.layers, perTokenPerTensor, gpu.hostBytesPerS)
    : 0;
  const fsdpCpuSeconds = parallel.ditFsdp && parallel.fsdpCpuOffload ? whole / fsdpRanks / gpu.hostBytesPerS : 0;
  const gatherSeconds = parallel.ditFsdp && fsdpRanks > 1 ? (whole * (fsdpRanks - 1)) / fsdpRanks / gpu.peerBytesPerS : 0;
  const offloadSeconds = kvSeconds + fsdpCpuSeconds + gatherSeconds;
  const forwardSeconds = computeSeconds + kernelSeconds + offloadSeconds;

  // sample_guide_scale is read but never used upstream: no second (unconditional) pass.
  const stepSeconds = forwardSeconds;
  // TPP: DiT rank i runs denoising step i of every block, pipelined across blocks (causal_s2v_pipeline_tpp.py).
  const pipelined = parallel.mode === "tpp" ? Math.max(1, Math.min(ditRanks, params.sampleSteps)) : 1;
  const ditClipSeconds = (blocks * params.sampleSteps * stepSeconds) / pipelined;
  // One GPU decodes its 92 motion latents with each clip's 12 (413 frames) and encodes the 365-frame context again;
  // the TPP VAE rank stream-decodes only the new frames.
  const isSingle = parallel.mode === "single";
  const decodedFrames = isSingle ? singleDecodeOutputFrames(ctx.motionLatents, ctx.latentFrames) : params.inferFrames;
  const vaeSeconds = vaeSecondsPerFlop(gpu);
  const vaeInputs = { pixels: ctx.pixels, efficiency: VAE_EFFICIENCY, memoryShare: VAE_MEMORY_SHARE, bf16Tflops: gpu.bf16Tflops, memoryBandwidthGbPerS: gpu.memoryBandwidthGbPerS };
  const decodeSeconds = vaeDecodeFlops(ctx.pixels, decodedFrames) * vaeSeconds;
  const reencodeSeconds = isSingle ? vaeEncodeFlops(ctx.pixels, ctx.motionFrames) * vaeSeconds : 0;
  // With offload_model the TPP VAE rank moves its (unused) DiT to the CPU once; later .cpu() calls move nothing.
  const vaeRankSwapSeconds = parallel.mode === "tpp" && params.offloadModel ? whole / gpu.hostBytesPerS : 0;
  const decodeOverlaps = parallel.mode === "tpp" && parallel.enableVaeParallel;
  const clipSeconds = decodeOverlaps ? Math.max(ditClipSeconds, decodeSeconds) : ditClipSeconds + decodeSeconds + reencodeSeconds;

  const fps = params.inferFrames / clipSeconds;
  const clips = clipsToGenerate(params, profile.sampleFps);
  const videoSeconds = (clips * params.inferFrames) / profile.sampleFps;
  const loadBytes = ditWeightBytes(profile, false) + vaeWeightBytes(profile) + audioEncoderBytes(profile, false) + textEncoderBytes(profile);
  const startupSeconds = loadBytes / LOAD_BYTES_PER_S + (params.enableCompile ? COMPILE_SECONDS : 0) + vaeRankSwapSeconds;
  const wallSeconds = startupSeconds + clips * clipSeconds;

  const terms: Term[] = [
    secondsTerm("dit-compute", "DiT forward compute, fp8 + compiled (launch + roofline ÷ efficiency × overhead)", computeSeconds, { linearFlops: flops.linear, attentionFlops: flops.attention, bf16Tflops: gpu.bf16Tflops, efficiency: DIT_EFFICIENCY, launchSeconds: DIT_LAUNCH_SECONDS, overhead: DIT_OVERHEAD_FACTOR }, SRC_DIT_FIT),
    secondsTerm("dit-kernels", `DiT forward with ${kernels.label} kernels: ×${kernels.factor.toFixed(2)}`, kernelSeconds, { kernels: kernels.kernels, factor: kernels.factor }, kernels.source),
    secondsTerm("kv-offload", "KV cache copies per step (in + out, pageable)", kvSeconds, { bytesPerCache: layout.bytesPerCache, windowTokens: layout.windowTokens, condTokens: layout.condTokens, linkBytesPerS: gpu.hostBytesPerS }, SRC_KV_OFFLOAD),
    secondsTerm("fsdp-cpu-offload", "FSDP CPU offload copies per forward", fsdpCpuSeconds, { bytes: whole / fsdpRanks }, SRC_FR12),
    secondsTerm("fsdp-gather", "FSDP all-gather per forward", gatherSeconds, { bytes: whole, ranks: fsdpRanks, peerBytesPerS: gpu.peerBytesPerS }, SRC_FSDP),
    secondsTerm("vae-decode", "VAE decode per clip", decodeSeconds, { ...vaeInputs, frames: decodedFrames }, SRC_VAE_RATE),
    secondsTerm("vae-reencode", "VAE re-encode of the motion context per clip (one GPU)", reencodeSeconds, { ...vaeInputs, frames: isSingle ? ctx.motionFrames : 0 }, SRC_REENCODE_RATE),
    secondsTerm("vae-rank-swap", "TPP VAE rank moving its DiT to the CPU (once)", vaeRankSwapSeconds, { bytes: whole }, SRC_VAE_RANK_SWAP),
    secondsTerm("startup", "weights load + compile", startupSeconds, { loadBytes, compile: params.enableCompile }, SRC_STARTUP),
  ];
  const offloadShare = forwardSeconds > 0 ? offloadSeconds / forwardSeconds : 0;
  const ranges = speedRanges({ fps, stepSeconds, startupSeconds, wallSeconds, offloadShare });
  return { forwardSeconds, stepSeconds, clipSeconds, fps, clips, videoSeconds, startupSeconds, wallSeconds, offloadShare, ...ranges, terms };
};
