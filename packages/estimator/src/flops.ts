import type { ModelProfile } from "./model-profile.ts";

/**
 * One DiT forward over `tokens` query tokens, split so linears can run at the fp8 rate: per layer self-attn
 * projections (4·d²), cross-attn q,o (2·d²; k,v on 512 text tokens), FFN (2·d·f), 12 audio injectors (q,o + adaLN
 * ≈ 4·d²); attention over the block, the KV window and the cond cache (4·N·ctx·d) plus the text (4·N·512·d).
 */
export const ditForwardFlops = (tokens: number, windowTokens: number, profile: ModelProfile): { linear: number; attention: number } => {
  const { dim, ffnDim, layers, audioLayers } = profile.dit;
  const linearPerToken = 2 * layers * (6 * dim * dim + 2 * dim * ffnDim) + 2 * audioLayers * 4 * dim * dim;
  const textKv = 2 * layers * 2 * dim * dim * profile.textLength;
  const contextTokens = tokens + windowTokens + profile.kvCache.condTokensSingle;
  const attention = layers * 4 * tokens * (contextTokens + profile.textLength) * dim;
  return { linear: tokens * linearPerToken + textKv, attention };
};

/** Wan2.1 VAE decoder: ≈ 6 MFLOP per output pixel (3×3×3 convs at 96–384 channels over its 4 scales). */
export const VAE_DECODE_FLOPS_PER_PIXEL = 6e6;
export const vaeDecodeFlops = (pixels: number, frames: number): number => pixels * frames * VAE_DECODE_FLOPS_PER_PIXEL;
/** The encoder runs at 0.60 of the decoder's time per frame (the probe, H200: 3.16 s for 365 frames against 5.93 s for 413). */
export const VAE_ENCODE_FLOPS_PER_PIXEL = 0.6 * VAE_DECODE_FLOPS_PER_PIXEL;
export const vaeEncodeFlops = (pixels: number, frames: number): number => pixels * frames * VAE_ENCODE_FLOPS_PER_PIXEL;
