import type { EstimateContext } from "./estimate-context.ts";
import type { Term } from "./estimate-types.ts";
import { FITTED } from "./fitted.ts";
import { assumption, fieldReport, measured, upstream } from "./sources.ts";
import { bytesTerm } from "./term.ts";
import { GIB } from "./units.ts";
import { audioEncoderBytes, ditWeightBytes, textEncoderBytes, vaeWeightBytes } from "./weights.ts";

const SRC_PROCESS = assumption("host-ram.ts", "LiveAvatar imports diffusers, transformers, peft, decord and more than the probe does");
const SRC_RUNTIME = measured("host.peakRssBytes of the probe runs without KV offload (data/measurements/*, fitted.json)");
const SRC_KV_STAGING = measured("host.peakRssBytes − the offloaded caches − the runtime, probe runs with --offload_kv_cache (*-hostram.json)");
const SRC_ENCODERS_ON_CPU = upstream("causal_s2v_pipeline.py: T5EncoderModel(device=cpu), AudioEncoder on CPU");
const SRC_FRAMES_ON_CPU = measured("host.peakRssBytes of the clip-count runs (data/measurements/h100-*-c*.json): +4.0 × the fp32 frames kept; causal_s2v_pipeline.py out.append(image.cpu()), torch.cat; utils.py save_video: clamp, make_grid clones, stack");
const SRC_LOADER_PATCH = assumption("Headroom loader patch");
const SRC_KV_OFFLOAD = upstream("--offload_kv_cache");
const SRC_DIT_SWAP = upstream("--offload_model with --enable_online_decode");
const SRC_FR12 = fieldReport("FR-12");

/** Python, PyTorch and the CUDA libraries of one process, with LiveAvatar's own imports (assumed in all). */
export const PROCESS_BASELINE_BYTES = 3 * GIB;
/** The part of it the probe measures: Python + PyTorch + CUDA (+ NCCL) at its peak, without any host data. */
export const HOST_RUNTIME_BYTES = FITTED.hostRuntimeBytes;
/** Copying step caches GPU⇄host through pageable memory keeps about this much beyond the caches (staging, heap). */
export const KV_OFFLOAD_HOST_STAGING_BYTES = FITTED.kvOffloadHostStagingBytes;
/**
 * The host terms the probe reproduces, and the calibration holds to HOST_RAM_ERROR_BAR; the rest is read from the source.
 * host-frames only where the run kept its frames (probe >= 0.2.0 records host.frames), for the clips it ran.
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

/** Host RAM at the run's peak: every process, what the pipeline keeps on the CPU, and the frames collected. */
export const hostRamTerms = (ctx: EstimateContext, clips: number): Term[] => {
  const { plan, profile } = ctx;
  const { params, parallel } = plan;
  const processes = plan.hardware.count;
  const pipelineProcesses = parallel.mode === "single" ? 1 : Math.min(processes, ctx.ditRanks + (parallel.enableVaeParallel ? 1 : 0));
  const frameBytes = hostFrameBytes(clips, params.inferFrames, ctx.pixels) * HOST_FRAME_COPIES;
  const terms: Term[] = [
    bytesTerm("host-runtime", "Python + PyTorch + CUDA per process (measured)", HOST_RUNTIME_BYTES * processes, "resident", { processes }, SRC_RUNTIME),
    bytesTerm("host-libraries", "LiveAvatar's other imports per process", Math.max(0, PROCESS_BASELINE_BYTES - HOST_RUNTIME_BYTES) * processes, "resident", { processes, assumedProcessBytes: PROCESS_BASELINE_BYTES }, SRC_PROCESS),
    // T5 is built on the CPU and returns there after encoding; wav2vec lives on the CPU in fp32 (every TPP rank builds both).
    // With --t5_fsdp the CPU-built T5 is sharded onto the GPUs and leaves the host.
    bytesTerm("host-encoders", "T5 + wav2vec2 + VAE kept on the CPU", pipelineProcesses * ((parallel.t5Fsdp ? 0 : textEncoderBytes(profile)) + audioEncoderBytes(profile, false) + vaeWeightBytes(profile)), "resident", { pipelineProcesses, t5Fsdp: parallel.t5Fsdp }, SRC_ENCODERS_ON_CPU),
    bytesTerm("host-frames", "decoded frames on the host (fp32, with copies)", frameBytes, "resident", { clips, frames: keptFrames(clips, params.inferFrames), inferFrames: params.inferFrames, pixels: ctx.pixels, copies: HOST_FRAME_COPIES }, SRC_FRAMES_ON_CPU),
  ];
  // Every pipeline process quantizes its own copy at start-up.
  if (params.quantizeOnCpu && params.fp8) terms.push(bytesTerm("host-checkpoint", "bf16 DiT staged on the CPU for fp8 quantization", pipelineProcesses * ditWeightBytes(profile, false), "transient", { pipelineProcesses }, SRC_LOADER_PATCH));
  if (parallel.mode === "single" && params.offloadKvCache) {
    const layout = ctx.kv;
    terms.push(bytesTerm("host-kv-cache", "KV caches on the host (all steps)", layout.hostBytes, "resident", { caches: layout.caches }, SRC_KV_OFFLOAD));
    terms.push(bytesTerm("host-kv-staging", "pageable copies of the step caches (staging, heap)", KV_OFFLOAD_HOST_STAGING_BYTES, "transient", {}, SRC_KV_STAGING));
  }
  if (params.offloadModel && params.enableOnlineDecode) terms.push(bytesTerm("host-dit-swap", "DiT swapped out for the online decode", ditWeightBytes(profile, params.fp8), "resident", {}, SRC_DIT_SWAP));
  if (parallel.ditFsdp && parallel.fsdpCpuOffload) terms.push(bytesTerm("host-dit-shards", "DiT shards offloaded by FSDP", ditWeightBytes(profile, params.fp8), "resident", {}, SRC_FR12));
  return terms;
};
