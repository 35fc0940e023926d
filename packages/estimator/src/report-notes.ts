import type { EstimateContext } from "./estimate-context.ts";
import type { Estimate, Note } from "./estimate-types.ts";
import { blockWeightBytes, ditWeightBytes } from "./weights.ts";
import { GB } from "./units.ts";

const gb = (bytes: number): string => `${(bytes / GB).toFixed(2)} GB`;
const fps = (value: number): string => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} FPS`;

const CLIP_LATENTS_TO_CPU = "liveavatar.md: causal_s2v_pipeline.py clip_outputs.append(...cpu())";
const FSDP_PER_BLOCK = "liveavatar.md: distributed/fsdp.py wraps each transformer block";

type Draft = Estimate;

/** Where the field report's numbers sit beside ours, and where the source contradicts the report. */
export const reportNotes = (ctx: EstimateContext, est: Draft): Note[] => {
  const { plan, profile } = ctx;
  const { params, parallel, hardware } = plan;
  const notes: Note[] = [];
  const worst = est.gpus[est.worstRank];
  const is24GbClass = ctx.gpu.usableBytes < 26e9;

  // Only where a user would reach for num_clip: the plan does not fit, or barely.
  if (params.numClip >= 10 && worst && worst.marginBytes < est.errorBar.absoluteBytes) {
    notes.push({
      id: "FR-9",
      message: `The report says lowering num_clip removed its OOM; in the source clip latents go to the CPU, so the GPU peak does not depend on num_clip (same ${gb(worst?.peakBytes ?? 0)} here) — host RAM does. ${10} clips of ${params.inferFrames} frames are ${((10 * params.inferFrames) / profile.sampleFps).toFixed(1)} s of video, not 3 s.`,
      reported: "num_clip 100 → 10 removed the OOM; 10 clips ≈ 3 s",
      predicted: `GPU peak flat in num_clip; 10 clips = ${((10 * params.inferFrames) / profile.sampleFps).toFixed(1)} s`,
      cites: ["FR-9", CLIP_LATENTS_TO_CPU],
    });
  }
  if (parallel.ditFsdp) {
    const block = blockWeightBytes(profile, params.fp8);
    const root = profile.dit.extraParams * (params.fp8 ? 1 : 2);
    const perBlock = parallel.fsdpWrap === "block";
    notes.push({
      id: "FR-4",
      message: perBlock
        ? `The report reads its +4.17 GB at unshard as the whole model (FR-4/FR-13). LiveAvatar wraps each block, so a forward gathers ${gb(block)} at a time — but the audio injectors and embeddings stay in FSDP's root unit, which is unsharded once and kept: ${gb(root)} (4.17 GiB in bf16), the report's number. Headroom follows the source and the 2-rank measurement.`
        : `This plan follows the report's picture (whole-model unshard, ${gb(ditWeightBytes(profile, params.fp8))}); LiveAvatar's own wrapping gathers one block (${gb(block)}) plus the root unit (${gb(root)}).`,
      reported: "+4.17 GB per GPU at unshard (read as the whole model)",
      predicted: perBlock ? `root unit ${gb(root)} kept + ${gb(block)} per block gather` : `+${gb(ditWeightBytes(profile, params.fp8))} (whole model)`,
      cites: ["FR-4", "FR-13", FSDP_PER_BLOCK, "data/measurements/fsdp2-block-704x384-bf16.json"],
    });
  }
  if (parallel.mode === "tpp" && is24GbClass && worst) {
    const load = worst.phases.find((phase) => phase.phase === "load");
    notes.push({
      id: "FR-3",
      message: `The report measured 21.48 GB of parameters per GPU after load and 25.8 GB at unshard on 5 × RTX 4090; Headroom predicts ${gb(load?.totalBytes ?? 0)} after load and a ${gb(worst.peakBytes)} peak (${worst.peakPhase}) on DiT rank ${worst.rank}.`,
      reported: "21.48 GB after load; 22.0 GB steady, 25.8 GB at unshard (FR-3, FR-7)",
      predicted: `${gb(load?.totalBytes ?? 0)} after load; ${gb(worst.peakBytes)} peak`,
      cites: ["FR-3", "FR-7"],
    });
  }
  if (parallel.mode === "single" && ctx.gpu.usableBytes >= 75e9 && hardware.count === 1) {
    notes.push({
      id: "FR-14",
      message: `The report quotes 1.2–1.5 FPS on one 80 GB GPU at 704×384; the roofline predicts ${fps(est.speed.fps)} for this plan.`,
      reported: "1.2–1.5 FPS",
      predicted: fps(est.speed.fps),
      cites: ["FR-14", "liveavatar.md: physical reference on H100"],
    });
  }
  if (parallel.mode === "single" && is24GbClass && (params.offloadModel || params.offloadKvCache)) {
    notes.push({
      id: "FR-15",
      message: `The report ran CPU offload on one RTX 4090 at 17.2 GB VRAM, 0.07 FPS and 92 GB RAM; Headroom predicts ${gb(worst?.peakBytes ?? 0)}, ${fps(est.speed.fps)} and ${gb(est.hostRamBytes)} host RAM.`,
      reported: "17.2 GB VRAM, 0.07 FPS, 92 GB RAM",
      predicted: `${gb(worst?.peakBytes ?? 0)}, ${fps(est.speed.fps)}, ${gb(est.hostRamBytes)} RAM`,
      cites: ["FR-15"],
    });
  }
  if (parallel.fsdpCpuOffload) {
    notes.push({
      id: "FR-12",
      message: `The report's FSDP CPU offload ran at 18 GB per card and 0.03 FPS; Headroom predicts ${gb(worst?.peakBytes ?? 0)} and ${fps(est.speed.fps)}.`,
      reported: "18 GB per card, 0.03 FPS",
      predicted: `${gb(worst?.peakBytes ?? 0)}, ${fps(est.speed.fps)}`,
      cites: ["FR-12"],
    });
  }
  return notes;
};
