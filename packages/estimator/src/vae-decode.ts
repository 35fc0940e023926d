import { FITTED } from "./fitted.ts";

/**
 * Wan2.1 VAE decodes one latent frame (4 output frames) at a time with a causal cache; its widest stage runs at
 * full resolution: bytes per output pixel fitted to the probe's decode peaks (fitted.json).
 */
export const VAE_DECODE_BYTES_PER_PIXEL = FITTED.vaeDecodeBytesPerPixel;

/** Single GPU decodes 19 motion + the clip's new latent frames per call: 121 fp32 frames for 12 latents (causal_s2v_pipeline.py). */
export const MOTION_LATENT_FRAMES = 19;
export const singleDecodeOutputFrames = (latentFrames: number): number => 4 * (MOTION_LATENT_FRAMES + latentFrames) - 3;
/** The TPP VAE rank stream-decodes 3 latent frames per block, keeping 12 frames. */
export const TPP_DECODE_OUTPUT_FRAMES = 12;

export const vaeDecodeBytes = (pixelsPerFrame: number, outputFrames: number): number =>
  pixelsPerFrame * VAE_DECODE_BYTES_PER_PIXEL + outputFrames * 3 * pixelsPerFrame * 4;

/**
 * Encoding the 73 motion frames with the VAE and the audio with wav2vec2, after T5 has left the GPU: fitted to
 * the t5_cpu runs (fitted.json): a fixed part + bytes per pixel.
 */
export const MEDIA_ENCODE_BASE_BYTES = FITTED.mediaEncodeBaseBytes;
export const MEDIA_ENCODE_BYTES_PER_PIXEL = FITTED.mediaEncodeBytesPerPixel;
export const mediaEncodeBytes = (pixelsPerFrame: number): number => MEDIA_ENCODE_BASE_BYTES + pixelsPerFrame * MEDIA_ENCODE_BYTES_PER_PIXEL;
