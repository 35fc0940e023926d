import type { EstimateContext } from "./estimate-context.ts";
import type { Term } from "./estimate-types.ts";
import { FITTED } from "./fitted.ts";
import { assumption, fieldReport, measured, upstream } from "./sources.ts";
import { bytesTerm, sumBytes } from "./term.ts";
import { GIB } from "./units.ts";
import { audioEncoderBytes, ditWeightBytes, textEncoderBytes, vaeWeightBytes } from "./weights.ts";

const SRC_PROCESS = assumption("host-ram.ts", "LiveAvatar imports diffusers, transformers, peft, decord and more than the probe does");
const SRC_RUNTIME = measured("host.peakRssBytes of the probe runs without KV offload (data/measurements/*, fitted.json)");
const SRC_KV_STAGING = measured("host.peakRssBytes − the offloaded caches − the runtime, probe runs with --offload_kv_cache (*-hostram.json)");
const SRC_KV_FREED = measured(
  "host.phases.denoise.peakRssBytes − encode rssBytes − 4 caches − staging: upstream-384x256-q8cpu-offloadkv-t5cpu-eager-cap24-expandable.json 1.74 caches, upstream-384x256-q8cpu-offloadkv-t5cpu-cap24-expandable.json (compiled) 2.50",
  "causal_s2v_pipeline.py:640–644: .to('cpu') allocates new host tensors at each move-out (:1044, :1092), .to(cuda) frees them at each move-in (:1017, :1083)",
);
const SRC_ENCODERS_ON_CPU = upstream("causal_s2v_pipeline.py: T5EncoderModel(device=cpu), AudioEncoder on CPU");
const SRC_FRAMES_ON_CPU = measured("host.peakRssBytes of the clip-count runs (data/measurements/h100-*-c*.json): +4.0 × the fp32 frames kept; causal_s2v_pipeline.py out.append(image.cpu()), torch.cat; utils.py save_video: clamp, make_grid clones, stack");
const SRC_LOADER_PATCH = assumption("Headroom loader patch");
const SRC_KV_OFFLOAD = upstream("--offload_kv_cache");
const SRC_DIT_SWAP = upstream("--offload_model with --enable_online_decode");
const SRC_FR12 = fieldReport("FR-12");
const SRC_T5_LOAD = upstream("wan_2_2/modules/t5.py ~441–445, ~496", "umt5-xxl built in fp32 on the CPU, cast to bf16, then the bf16 checkpoint loaded beside it: ~4 bytes per parameter at once, in every process");
const SRC_DIT_FSDP_LOAD = upstream("causal_s2v_pipeline.py ~155–162", "--dit_fsdp: from_pretrained without device_map puts the whole bf16 DiT on the CPU in every process before sharding");

/** Python, PyTorch and the CUDA libraries of one process, with LiveAvatar's own imports (assumed in all). */
export const PROCESS_BASELINE_BYTES = 3 * GIB;
/** The part of it the probe measures: Python + PyTorch + CUDA (+ NCCL) at its peak, without any host data. */
export const HOST_RUNTIME_BYTES = FITTED.hostRuntimeBytes;
/** Copying step caches GPU⇄host through pageable memory keeps about this much beyond the caches (staging, heap). */
export const KV_OFFLOAD_HOST_STAGING_BYTES = FITTED.kvOffloadHostStagingBytes;
/**
 * Freed step caches upstream's heap keeps beside the four live ones. Each step's .to(cuda) frees its cache's host tensors
 * and .to("cpu") allocates new ones, so at most four caches live, yet RSS at the denoise peak held 1.74 (eager) and 2.50
 * (compiled) caches more, beyond staging, at 48 frames; 1.1–3.4 at 12. Freed memory glibc keeps: once generate() drops
 * all four (:1151, --offload_model) RSS stays at its peak at 12 frames and ends 12.2–14.8 GB under it at 48 (what glibc
 * had mapped apart: the 45 MiB windows are over its 32 MiB threshold), about four caches' bytes still resident. Compile's
 * own host memory is 0.14–0.19 GB at the denoise peak (upstream-704x384-c2, -bf16-c2 against their eager runs): not a term.
 */
export const HOST_KV_FREED_CACHES = 2;
/** Freed step-cache copies glibc keeps resident under upstream's --offload_kv_cache. */
export const hostKvFreedBytes = (bytesPerCache: number): number => HOST_KV_FREED_CACHES * bytesPerCache;
/**
 * The host terms the probe reproduces, and the calibration holds to HOST_RAM_ERROR_BAR; the rest is read from the source.
 * host-frames only where the run kept its frames (probe >= 0.2.0 records host.frames), for the clips it ran. Not
 * host-kv-freed: the probe's fresh process kept only its staging beside the caches (l40s-704x384-offloadkv-cap44).
 */
export const PROBE_HOST_TERM_IDS: readonly string[] = ["host-runtime", "host-kv-cache", "host-kv-staging", "host-frames"];
/**
 * Decoded frames are fp32 on the host. generate() keeps every clip's frames (out.append(image.cpu())) and returns
 * torch.cat(out); save_video then holds the returned video, its clamp, make_grid's per-frame clones and their stack
 * at once: 4 fp32 copies at the peak (measured: 4.02 and 4.01 copies per byte kept, 384*256 and 704*384).
 */
export const HOST_FRAME_COPIES = 4;
/** Frames in the saved video: infer_frames per clip, three fewer in clip 0 (image[:, :, 3:]). */
export const keptFrames = (clips: number, inferFrames: number): number => Math.max(0, clips * inferFrames - 3);
/** One fp32 copy of every kept frame: frames × 3 channels × pixels × 4 bytes. */
export const hostFrameBytes = (clips: number, inferFrames: number, pixels: number): number => keptFrames(clips, inferFrames) * 3 * pixels * 4;

/** T5 is built in fp32, cast, and its bf16 checkpoint loaded beside the bf16 model: 4 bytes per parameter at the load's peak. */
export const T5_LOAD_BYTES_PER_PARAM = 4;

export type HostRamPhase = { phase: "load" | "run"; bytes: number; terms: Term[] };

const processCount = (ctx: EstimateContext): { processes: number; pipelineProcesses: number } => {
  const { parallel, hardware } = ctx.plan;
  const processes = hardware.count;
  return { processes, pipelineProcesses: parallel.mode === "single" ? 1 : Math.min(processes, ctx.ditRanks + (parallel.enableVaeParallel ? 1 : 0)) };
};

const processTerms = (processes: number): Term[] => [
  bytesTerm("host-runtime", "Python + PyTorch + CUDA per process (measured)", HOST_RUNTIME_BYTES * processes, "resident", { processes }, SRC_RUNTIME),
  bytesTerm("host-libraries", "LiveAvatar's other imports per process", Math.max(0, PROCESS_BASELINE_BYTES - HOST_RUNTIME_BYTES) * processes, "resident", { processes, assumedProcessBytes: PROCESS_BASELINE_BYTES }, SRC_PROCESS),
];

/**
 * Start-up, every process at once: T5 built in fp32 and loaded on the CPU (4 B/param), or, with --dit_fsdp, T5 in bf16
 * beside the whole bf16 DiT before it is sharded; the quantize-on-CPU patch stages the bf16 DiT too.
 */
export const hostLoadTerms = (ctx: EstimateContext): Term[] => {
  const { plan, profile } = ctx;
  const { params, parallel } = plan;
  const { processes, pipelineProcesses } = processCount(ctx);
  const t5Load = bytesTerm("host-t5-load", "T5 built in fp32 and loaded on the CPU (per process)", pipelineProcesses * profile.textEncoderParams * T5_LOAD_BYTES_PER_PARAM, "transient", { pipelineProcesses, params: profile.textEncoderParams, bytesPerParam: T5_LOAD_BYTES_PER_PARAM }, SRC_T5_LOAD);
  const base = processTerms(processes);
  const staged = parallel.ditFsdp || (params.quantizeOnCpu && params.fp8);
  if (!staged) return [...base, t5Load];
  const t5Bf16 = bytesTerm("host-t5", "T5 (bf16) on the CPU while the DiT loads", pipelineProcesses * textEncoderBytes(profile), "resident", { pipelineProcesses }, SRC_T5_LOAD);
  const dit = parallel.ditFsdp
    ? bytesTerm("host-dit-fsdp-load", "whole bf16 DiT on the CPU before FSDP shards it (per process)", pipelineProcesses * ditWeightBytes(profile, false), "transient", { pipelineProcesses }, SRC_DIT_FSDP_LOAD)
    : bytesTerm("host-checkpoint", "bf16 DiT staged on the CPU for fp8 quantization", pipelineProcesses * ditWeightBytes(profile, false), "transient", { pipelineProcesses }, SRC_LOADER_PATCH);
  return t5Bf16.value + dit.value >= t5Load.value ? [...base, t5Bf16, dit] : [...base, t5Load];
};

/** While generating: every process, the encoders the pipeline keeps on the CPU, offloaded caches and the frames collected. */
export const hostRunTerms = (ctx: EstimateContext, clips: number): Term[] => {
  const { plan, profile } = ctx;
  const { params, parallel } = plan;
  const { processes, pipelineProcesses } = processCount(ctx);
  const frameBytes = hostFrameBytes(clips, params.inferFrames, ctx.pixels) * HOST_FRAME_COPIES;
  // T5 returns to the CPU after the prompt (t5_cpu, offload_model); under TPP without offload it stays on the GPU, and
  // --t5_fsdp shards it onto the GPUs. wav2vec2 (fp32) and the VAE copy live on the CPU in every pipeline process.
  const t5OnHost = !parallel.t5Fsdp && (params.t5Cpu || params.offloadModel);
  const terms: Term[] = [
    ...processTerms(processes),
    bytesTerm("host-encoders", t5OnHost ? "T5 + wav2vec2 + VAE kept on the CPU" : "wav2vec2 + VAE kept on the CPU", pipelineProcesses * ((t5OnHost ? textEncoderBytes(profile) : 0) + audioEncoderBytes(profile, false) + vaeWeightBytes(profile)), "resident", { pipelineProcesses, t5OnHost }, SRC_ENCODERS_ON_CPU),
    bytesTerm("host-frames", "decoded frames on the host (fp32, with copies)", frameBytes, "resident", { clips, frames: keptFrames(clips, params.inferFrames), inferFrames: params.inferFrames, pixels: ctx.pixels, copies: HOST_FRAME_COPIES }, SRC_FRAMES_ON_CPU),
  ];
  if (parallel.mode === "single" && params.offloadKvCache) {
    const layout = ctx.kv;
    terms.push(bytesTerm("host-kv-cache", "KV caches on the host (all steps)", layout.hostBytes, "resident", { caches: layout.caches }, SRC_KV_OFFLOAD));
    terms.push(bytesTerm("host-kv-staging", "pageable copies of the step caches (staging, heap)", KV_OFFLOAD_HOST_STAGING_BYTES, "transient", {}, SRC_KV_STAGING));
    terms.push(bytesTerm("host-kv-freed", "freed host copies of the step caches the heap keeps", hostKvFreedBytes(layout.bytesPerCache), "transient", { caches: HOST_KV_FREED_CACHES, bytesPerCache: layout.bytesPerCache }, SRC_KV_FREED));
  }
  if (params.offloadModel && params.enableOnlineDecode) terms.push(bytesTerm("host-dit-swap", "DiT swapped out for the online decode", ditWeightBytes(profile, params.fp8), "resident", {}, SRC_DIT_SWAP));
  if (parallel.ditFsdp && parallel.fsdpCpuOffload) terms.push(bytesTerm("host-dit-shards", "DiT shards offloaded by FSDP", ditWeightBytes(profile, params.fp8), "resident", {}, SRC_FR12));
  return terms;
};

/** Host RAM by phase: start-up and generation; the larger is the run's host RAM peak. */
export const hostRamPhases = (ctx: EstimateContext, clips: number): HostRamPhase[] => {
  const load = hostLoadTerms(ctx);
  const run = hostRunTerms(ctx, clips);
  return [{ phase: "load", bytes: sumBytes(load), terms: load }, { phase: "run", bytes: sumBytes(run), terms: run }];
};
