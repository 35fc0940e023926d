import type { ModelProfile } from "./model-profile.ts";
import { BF16_BYTES } from "./weights.ts";

/** k and v for every layer, bf16: 40 · 2 · 40 heads · 128 · 2 B = 819,200 B per cached token. */
export const kvBytesPerToken = (profile: ModelProfile): number =>
  profile.dit.layers * 2 * profile.dit.heads * profile.dit.headDim * BF16_BYTES;

/** Rolling window of one clip: (infer_frames / 4) latent frames × Tf tokens (causal_s2v_pipeline.py max_seq_len). */
export const kvWindowTokens = (inferFrames: number, tokensPerLatentFrame: number): number =>
  Math.floor(inferFrames / 4) * tokensPerLatentFrame;

export type KvCacheLayout = {
  /** Caches that exist: one per denoising step on one GPU, one per DiT rank under TPP. */
  caches: number;
  windowTokens: number;
  condTokens: number;
  bytesPerCache: number;
  totalBytes: number;
};

/** _initialize_kv_cache: single GPU keeps one cache per step (kv_cache1["1".."4"]); a TPP rank keeps the one for its step. */
export const kvCacheLayout = (profile: ModelProfile, inferFrames: number, tokensPerLatentFrame: number, mode: "single" | "tpp", steps: number): KvCacheLayout => {
  const windowTokens = kvWindowTokens(inferFrames, tokensPerLatentFrame);
  const condTokens = mode === "single" ? profile.kvCache.condTokensSingle : profile.kvCache.condTokensTpp;
  const caches = mode === "single" ? steps : 1;
  const bytesPerCache = (windowTokens + condTokens) * kvBytesPerToken(profile);
  return { caches, windowTokens, condTokens, bytesPerCache, totalBytes: caches * bytesPerCache };
};

/** The conditioning cache must hold the reference + motion tokens (2.5 latent frames). */
export const condTokensNeeded = (profile: ModelProfile, tokensPerLatentFrame: number): number =>
  Math.ceil(profile.kvCache.condLatentFrames * tokensPerLatentFrame);
