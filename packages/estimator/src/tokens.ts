import type { ModelProfile } from "./model-profile.ts";

/** causal_s2v_pipeline.py: `(infer_frames + 3 + motion_frames)//4 − 19` latent frames per clip (12 for 48 frames). */
export const latentFramesPerClip = (inferFrames: number, profile: ModelProfile): number =>
  Math.max(1, Math.floor((inferFrames + 3 + profile.motionFrames) / profile.vaeStride[0]) - 19);

/** Autoregressive blocks per clip: 3 latent frames each. */
export const blocksPerClip = (inferFrames: number, profile: ModelProfile): number =>
  Math.max(1, Math.ceil(latentFramesPerClip(inferFrames, profile) / profile.framesPerLatentBlock));

/** (H/16)·(W/16): VAE stride 8 × patch 2 on each axis; 1,056 at 704×384. */
export const tokensPerFrameOf = (width: number, height: number, profile: ModelProfile): number => {
  const sx = profile.vaeStride[2] * profile.dit.patch[2];
  const sy = profile.vaeStride[1] * profile.dit.patch[1];
  return Math.ceil(height / sy) * Math.ceil(width / sx);
};

