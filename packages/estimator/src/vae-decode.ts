import { FITTED } from "./fitted.ts";

/**
 * Wan2.1 VAE decodes one latent frame (4 output frames) at a time with a causal cache; its widest stage runs at
 * full resolution: bytes per output pixel fitted to the probe's decode peaks (fitted.json).
 */
export const VAE_DECODE_BYTES_PER_PIXEL = FITTED.vaeDecodeBytesPerPixel;

/** One GPU decodes its 92 motion latents + the clip's new ones per call: 413 fp32 frames for 12 latents (causal_s2v_pipeline.py ~1157–1185). */
export const singleDecodeOutputFrames = (motionLatents: number, latentFrames: number): number => 4 * (motionLatents + latentFrames) - 3;
/** The TPP VAE rank stream-decodes 3 latent frames per block, keeping 12 frames. */
export const TPP_DECODE_OUTPUT_FRAMES = 12;

/** What a decode returns: torch.stack of Wan2_1_VAE.decode's `.float()` output, fp32 RGB of every decoded frame. */
export const decodedFramesBytes = (pixelsPerFrame: number, outputFrames: number): number => outputFrames * 3 * pixelsPerFrame * 4;

export const vaeDecodeBytes = (pixelsPerFrame: number, outputFrames: number): number =>
  pixelsPerFrame * VAE_DECODE_BYTES_PER_PIXEL + decodedFramesBytes(pixelsPerFrame, outputFrames);

/**
 * The VAE encode of the motion context beside its input: a fixed part + bytes per pixel of one frame, fitted to the
 * t5_cpu runs (fitted.json); the input frames themselves are the videos-last-frames term.
 */
export const MEDIA_ENCODE_BASE_BYTES = FITTED.mediaEncodeBaseBytes;
export const MEDIA_ENCODE_BYTES_PER_PIXEL = FITTED.mediaEncodeBytesPerPixel;
export const mediaEncodeBytes = (pixelsPerFrame: number): number => MEDIA_ENCODE_BASE_BYTES + pixelsPerFrame * MEDIA_ENCODE_BYTES_PER_PIXEL;

/** wav2vec2-large over the whole audio in one pass (bf16 hidden states of 24 layers + the features): bytes per second
 *  of audio, fitted to the probe's runs at 60 s to 1 h of audio (fitted.json). */
export const WAV2VEC_BYTES_PER_AUDIO_SECOND = FITTED.wav2vecBytesPerAudioSecond;
export const wav2vecActivationBytes = (audioSeconds: number): number => audioSeconds * WAV2VEC_BYTES_PER_AUDIO_SECOND;
