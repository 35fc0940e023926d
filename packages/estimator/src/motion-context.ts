import type { ModelProfile } from "./model-profile.ts";
import { BF16_BYTES } from "./weights.ts";

/**
 * causal_s2v_pipeline.py ~891–898: one GPU repeats the 5-frame reference to 5 × 73 = 365 motion frames;
 * causal_s2v_pipeline_tpp.py repeats one frame to 73.
 */
export const motionFrames = (profile: ModelProfile, mode: "single" | "tpp"): number =>
  mode === "single" ? profile.refRepeatSingle * profile.motionFrames : profile.motionFrames;

/** The Wan VAE keeps the first frame and folds every 4 after it into one latent frame: 365 → 92, 73 → 19. */
export const motionLatentFrames = (frames: number): number => 1 + Math.floor((frames - 1) / 4);

/** videos_last_frames: the motion context's pixels in bf16, on the GPU from the encode to the end of generate(). */
export const videosLastFramesBytes = (frames: number, pixels: number): number => frames * 3 * pixels * BF16_BYTES;
