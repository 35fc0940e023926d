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
  /** One step's cache as it is copied to the GPU under --offload_kv_cache: window + its own cond cache. */
  bytesPerCache: number;
  /** Kept on the GPU: one GPU shares a single cond cache between its step caches (shared_cond_cache). */
  gpuBytes: number;
  /** Kept on the host under --offload_kv_cache: every step cache with its own cond cache. */
  hostBytes: number;
  condBytes: number;
};

/** _initialize_kv_cache: single GPU keeps one cache per step (kv_cache1["1".."4"]) sharing one cond cache; a TPP rank keeps one. */
export const kvCacheLayout = (profile: ModelProfile, inferFrames: number, tokensPerLatentFrame: number, mode: "single" | "tpp", _steps: number, offloaded = false): KvCacheLayout => {
  const windowTokens = kvWindowTokens(inferFrames, tokensPerLatentFrame);
  const condTokens = mode === "single" ? profile.kvCache.condTokensSingle : profile.kvCache.condTokensTpp;
  // Upstream allocates the four step caches whatever sample_steps is.
  const caches = mode === "single" ? 4 : 1;
  const perToken = kvBytesPerToken(profile);
  const bytesPerCache = (windowTokens + condTokens) * perToken;
  const isOffloaded = offloaded && mode === "single";
  return {
    caches,
    windowTokens,
    condTokens,
    bytesPerCache,
    gpuBytes: isOffloaded ? bytesPerCache : (caches * windowTokens + condTokens) * perToken,
    hostBytes: isOffloaded ? caches * bytesPerCache : 0,
    condBytes: condTokens * perToken,
  };
};

/** The conditioning cache must hold the reference + motion tokens (2.5 latent frames). */
export const condTokensNeeded = (profile: ModelProfile, tokensPerLatentFrame: number): number =>
  Math.ceil(profile.kvCache.condLatentFrames * tokensPerLatentFrame);
