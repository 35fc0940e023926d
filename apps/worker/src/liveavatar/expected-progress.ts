import type { Plan } from "@headroom/estimator";

/** causal_s2v_pipeline.py: 73 motion frames (19 latent), 3 latent frames per autoregressive block. */
const MOTION_FRAMES = 73;
const LATENT_MOTION_FRAMES = 19;
const FRAMES_PER_BLOCK = 3;
/** wan_s2v_14B config `sample_fps`. */
const SAMPLE_FPS = 25;
/** num_clip this large means "the whole audio" in the launch scripts. */
const WHOLE_AUDIO_NUM_CLIP = 10000;

/** `(infer_frames + 3 + 73)//4 - 19` latent frames per clip, in blocks of 3: one tqdm bar per block and rank. */
export const blocksPerClip = (inferFrames: number): number =>
  Math.floor((Math.floor((inferFrames + 3 + MOTION_FRAMES) / 4) - LATENT_MOTION_FRAMES) / FRAMES_PER_BLOCK);

/** audio_encoder.get_audio_embed_bucket_fps: `int(seconds · fps / infer_frames) + 1` clips of audio. */
export const audioClips = (audioSeconds: number, inferFrames: number): number => Math.floor((audioSeconds * SAMPLE_FPS) / inferFrames) + 1;

export type ExpectedProgress = {
  /** Clips the pipeline will generate, null where num_clip says "whole audio" and the audio's length is unknown. */
  clips: number | null;
  /** tqdm bars in all: every torchrun rank draws one per block (TPP ranks too, the VAE rank included). */
  bars: number | null;
  /** DiT forwards in all (sample_steps per block), the probe's progress unit. */
  forwards: number | null;
  ranks: number;
  steps: number;
};

export const expectedProgress = (plan: Plan, audioSeconds: number | null): ExpectedProgress => {
  const { numClip, inferFrames, sampleSteps } = plan.params;
  const ranks = plan.parallel.mode === "single" ? 1 : plan.hardware.count;
  const fromAudio = audioSeconds === null ? null : audioClips(audioSeconds, inferFrames);
  const clips = fromAudio !== null ? Math.min(numClip, fromAudio) : numClip < WHOLE_AUDIO_NUM_CLIP ? numClip : null;
  const blocks = clips === null ? null : clips * blocksPerClip(inferFrames);
  return { clips, bars: blocks === null ? null : blocks * ranks, forwards: blocks === null ? null : blocks * sampleSteps, ranks, steps: sampleSteps };
};
