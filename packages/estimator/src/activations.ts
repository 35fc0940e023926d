import type { ModelProfile } from "./model-profile.ts";

/**
 * Live tensors inside one block's forward, per token: fp32 residual (4·d), norm and q,k,v, attention out
 * in bf16 (10·d), rope's float64 complex copies of q and k (16·d), FFN hidden and GELU out in bf16 (4·f).
 * Read from Wan's block code; the coefficients are refit to probe measurements (data/measurements).
 */
export const ACTIVATION_BYTES_PER_TOKEN_DIM = 30;
export const ACTIVATION_BYTES_PER_TOKEN_FFN = 4;

export const ditActivationBytes = (tokens: number, profile: ModelProfile): number =>
  tokens * (ACTIVATION_BYTES_PER_TOKEN_DIM * profile.dit.dim + ACTIVATION_BYTES_PER_TOKEN_FFN * profile.dit.ffnDim);

/** Text encoder forward over text_len 512 tokens: hidden states of umt5-xxl (4096 wide) and its FFN (10240). */
export const textEncoderActivationBytes = (profile: ModelProfile): number => profile.textLength * (30 * 4096 + 4 * 10240);
