import { ditParams, type ModelProfile } from "./model-profile.ts";
import { arch, upstream } from "./sources.ts";

export const BF16_BYTES = 2;
export const FP8_BYTES = 1;
export const FP32_BYTES = 4;

/** Whole-DiT bytes: --fp8 stores 460 nn.Linear weights as float8_e4m3fn (fp8_linear.py), the rest stays bf16. */
export const ditWeightBytes = (profile: ModelProfile, fp8: boolean): number => {
  const params = ditParams(profile);
  const linear = params * profile.dit.linearShare;
  return fp8 ? linear * FP8_BYTES + (params - linear) * BF16_BYTES : params * BF16_BYTES;
};

/** One transformer block: what an FSDP unit gathers under LiveAvatar's per-block wrapping. */
export const blockWeightBytes = (profile: ModelProfile, fp8: boolean): number =>
  profile.dit.blockParams * (fp8 ? FP8_BYTES : BF16_BYTES);

/** PEFT adapters in fp32 while the LoRA is loaded and merged (merge_and_unload frees them). */
export const loraAdapterBytes = (profile: ModelProfile): number => profile.loraParams * FP32_BYTES;

export const textEncoderBytes = (profile: ModelProfile): number => profile.textEncoderParams * BF16_BYTES;
/** wav2vec2 is kept in fp32 on the CPU and moved to the GPU as bf16 for feature extraction only. */
export const audioEncoderBytes = (profile: ModelProfile, onGpu: boolean): number =>
  profile.audioEncoderParams * (onGpu ? BF16_BYTES : FP32_BYTES);
export const vaeWeightBytes = (profile: ModelProfile): number => profile.vaeParams * BF16_BYTES;

export const WEIGHT_SOURCES = {
  dit: arch("wan_s2v_14B config.json + fp8_linear.py", "16.30 G params; bf16 or fp8 linears"),
  ditLoad: upstream("causal_s2v_pipeline.py: from_pretrained(device_map=cuda), then LoRA merge, then fp8 conversion on the GPU"),
  lora: upstream("s2v_causal_sft.yaml: rank 128 on q,k,v,o,ffn.0,ffn.2; merge_and_unload after load"),
  encoders: arch("umt5-xxl 5.68 G bf16, wav2vec2-large-xlsr-53 315 M, Wan2.1 VAE 127 M bf16"),
};
