import type { EstimateContext } from "./estimate-context.ts";
import type { Estimate, Note } from "./estimate-types.ts";
import { blockWeightBytes, ditWeightBytes } from "./weights.ts";
import { formatGib } from "./units.ts";
import { formatFpsRange } from "./speed-error-bar.ts";
import { EXAMPLE_IMAGE_SIZE } from "./frame.ts";
import { DEFAULT_AUDIO_SECONDS } from "./audio-embedding.ts";

/** Headroom's own figures are GiB; numbers quoted from the report keep its GB and say they are the report's. */
const gib = (bytes: number): string => formatGib(bytes, 2);

const CLIP_LATENTS_TO_CPU = "liveavatar.md: causal_s2v_pipeline.py clip_outputs.append(...cpu())";
const FSDP_PER_BLOCK = "liveavatar.md: distributed/fsdp.py wraps each transformer block";
const FRAME_FROM_IMAGE = "causal_s2v_pipeline.py get_gen_size / get_size_less_than_area; configs MAX_AREA_CONFIGS";
const AUDIO_ON_GPU = "causal_s2v_pipeline.py encode_audio: audio_emb [1, 25, 1024, frames] bf16 on the GPU";

type Draft = Estimate;

/** Where the field report's numbers sit beside ours, and where the source contradicts the report. */
export const reportNotes = (ctx: EstimateContext, est: Draft): Note[] => {
  const { plan, profile } = ctx;
  const { params, parallel, hardware } = plan;
  const notes: Note[] = [];
  const worst = est.gpus[est.worstRank];
  const is24GbClass = ctx.gpu.usableBytes < 26e9;

  const frame = `${ctx.frame.width}×${ctx.frame.height}`;
  const image = (params.imageSize ?? EXAMPLE_IMAGE_SIZE).replace("*", "×");
  notes.push({
    id: "frame",
    message: params.imageSize === null
      ? `Runs at ${frame}: LiveAvatar sizes the frame from the reference image (area within --size ${params.size}, sides ×64); no image was given, so the scripts' example image (${image}) is assumed.`
      : `Runs at ${frame} from your ${image} image (area within --size ${params.size}, sides ×64).`,
    reported: null,
    predicted: frame,
    cites: [FRAME_FROM_IMAGE],
  });
  if (params.audioSeconds === null) {
    notes.push({
      id: "audio-length",
      message: `GPU memory grows with the audio's length (wav2vec2 encodes it in one pass; its embedding stays on every GPU): ${DEFAULT_AUDIO_SECONDS} s is assumed until you give the audio.`,
      reported: null,
      predicted: `${DEFAULT_AUDIO_SECONDS} s of audio`,
      cites: [AUDIO_ON_GPU],
    });
  }
  // Only where a user would reach for num_clip: the plan does not fit, or barely.
  if (params.numClip >= 10 && worst && worst.marginBytes < est.errorBar.absoluteBytes) {
    const tenClipsSeconds = ((10 * params.inferFrames) / profile.sampleFps).toFixed(1);
    notes.push({
      id: "FR-9",
      message: `The report says lowering num_clip removed its OOM; in the source clip latents go to the CPU, so the GPU peak does not grow with num_clip (same ${gib(worst?.peakBytes ?? 0)} here; from the second clip on, one decoded clip waits beside the next decode, and no more) — host RAM does. It does depend on the audio's length (wav2vec2 encodes the whole audio; its embedding stays on the GPU), and num_clip does not shorten that. ${10} clips of ${params.inferFrames} frames are ${tenClipsSeconds} s of video, not 3 s.`,
      reported: "num_clip 100 → 10 removed the OOM; 10 clips ≈ 3 s",
      predicted: `GPU peak flat in num_clip; 10 clips = ${tenClipsSeconds} s`,
      cites: ["FR-9", CLIP_LATENTS_TO_CPU, AUDIO_ON_GPU],
    });
  }
  if (parallel.ditFsdp) {
    const block = gib(blockWeightBytes(profile, params.fp8));
    const root = gib(profile.dit.extraParams * (params.fp8 ? 1 : 2));
    const perBlock = parallel.fsdpWrap === "block";
    // Only the report's picture names the whole model.
    const whole = perBlock ? "" : gib(ditWeightBytes(profile, params.fp8));
    notes.push({
      id: "FR-4",
      message: perBlock
        ? `The report reads its +4.17 GB at unshard as the whole model (FR-4/FR-13). LiveAvatar wraps each block, so a forward gathers ${block} at a time — but the audio injectors and embeddings stay in FSDP's root unit, which is unsharded once and kept: ${root} (4.17 GiB in bf16: the report's +4.17 GB). Headroom follows the source and the 2-rank measurement.`
        : `This plan follows the report's picture (whole-model unshard, ${whole}); LiveAvatar's own wrapping gathers one block (${block}) plus the root unit (${root}).`,
      reported: "+4.17 GB per GPU at unshard (read as the whole model)",
      predicted: perBlock ? `root unit ${root} kept + ${block} per block gather` : `+${whole} (whole model)`,
      cites: ["FR-4", "FR-13", FSDP_PER_BLOCK, "data/measurements/superseded/fsdp2-block-704x384-bf16.json (2 ranks, a literal 720×400 frame; the root unit does not depend on it)"],
    });
  }
  if (parallel.mode === "tpp" && is24GbClass && worst) {
    const load = gib(worst.phases.find((phase) => phase.phase === "load")?.totalBytes ?? 0);
    const peak = gib(worst.peakBytes);
    notes.push({
      id: "FR-3",
      message: `The report measured 21.48 GB of parameters per GPU after load and 25.8 GB at unshard on 5 × RTX 4090; Headroom predicts ${load} after load and a ${peak} peak (${worst.peakPhase}) on DiT rank ${worst.rank}.`,
      reported: "21.48 GB after load; 22.0 GB steady, 25.8 GB at unshard (FR-3, FR-7)",
      predicted: `${load} after load; ${peak} peak`,
      cites: ["FR-3", "FR-7"],
    });
  }
  if (parallel.mode === "single" && ctx.gpu.usableBytes >= 75e9 && hardware.count === 1) {
    const predicted = formatFpsRange(est.speed.fpsRange);
    notes.push({
      id: "FR-14",
      message: `The report quotes 1.2–1.5 FPS on one 80 GB GPU at 704×384; Headroom predicts ${predicted} for this plan: one GPU decodes the 92-latent motion context with every clip and encodes its 365 frames again.`,
      reported: "1.2–1.5 FPS",
      predicted,
      cites: ["FR-14", "liveavatar.md: physical reference on H100"],
    });
  }
  if (parallel.mode === "single" && is24GbClass && (params.offloadModel || params.offloadKvCache)) {
    const peak = gib(worst?.peakBytes ?? 0);
    const speed = formatFpsRange(est.speed.fpsRange);
    const hostRam = gib(est.hostRamBytes);
    notes.push({
      id: "FR-15",
      message: `The report ran CPU offload on one RTX 4090 at 17.2 GB VRAM, 0.07 FPS and 92 GB RAM; Headroom predicts ${peak}, ${speed} and ${hostRam} host RAM.`,
      reported: "17.2 GB VRAM, 0.07 FPS, 92 GB RAM",
      predicted: `${peak}, ${speed}, ${hostRam} RAM`,
      cites: ["FR-15"],
    });
  }
  if (parallel.fsdpCpuOffload) {
    const peak = gib(worst?.peakBytes ?? 0);
    const speed = formatFpsRange(est.speed.fpsRange);
    notes.push({
      id: "FR-12",
      message: `The report's FSDP CPU offload ran at 18 GB per card and 0.03 FPS; Headroom predicts ${peak} and ${speed}.`,
      reported: "18 GB per card, 0.03 FPS",
      predicted: `${peak}, ${speed}`,
      cites: ["FR-12"],
    });
  }
  return notes;
};
