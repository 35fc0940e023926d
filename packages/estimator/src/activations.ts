import type { ModelProfile } from "./model-profile.ts";
import { FITTED } from "./fitted.ts";

/**
 * Live tensors of one block's forward: a per-query-token part (fp32 residual, q/k/v, float64 rope copies, FFN
 * hidden) and a fixed part (the cond keys re-roped in float64 every forward, rope tables, audio features).
 * Fitted to the probe's denoise peaks at 1,152 and 3,168 query tokens (data/measurements/h100-384x256.json,
 * h100-704x384-default.json, …) by `npm run fit` (fitted.json): about 0.7 GiB + 220 KiB per token.
 */
export const ACTIVATION_BASE_BYTES = FITTED.activationBaseBytes;
export const ACTIVATION_BYTES_PER_TOKEN = FITTED.activationBytesPerToken;

export const ditActivationBytes = (tokens: number, _profile: ModelProfile): number => ACTIVATION_BASE_BYTES + tokens * ACTIVATION_BYTES_PER_TOKEN;

/** Text encoder forward over text_len 512 tokens: hidden states of umt5-xxl (4096 wide) and its FFN (10240). */
export const textEncoderActivationBytes = (profile: ModelProfile): number => profile.textLength * (30 * 4096 + 4 * 10240);
