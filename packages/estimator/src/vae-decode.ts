/**
 * Wan2.1 VAE decodes one latent frame (4 output frames) at a time with a causal cache; its widest stage runs
 * 192 channels × 4 frames at full resolution with a few tensors alive: ≈ 12 KiB per output pixel.
 */
export const VAE_DECODE_BYTES_PER_PIXEL = 12 * 1024;

/** Single GPU decodes 19 motion + 12 new latent frames per call and returns 121 fp32 frames (causal_s2v_pipeline.py). */
export const SINGLE_DECODE_OUTPUT_FRAMES = 121;
/** The TPP VAE rank stream-decodes 3 latent frames per block, keeping 12 frames. */
export const TPP_DECODE_OUTPUT_FRAMES = 12;

export const vaeDecodeBytes = (pixelsPerFrame: number, outputFrames: number): number =>
  pixelsPerFrame * VAE_DECODE_BYTES_PER_PIXEL + outputFrames * 3 * pixelsPerFrame * 4;
