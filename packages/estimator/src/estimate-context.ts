import { getProfile, type ModelProfile } from "./model-profile.ts";
import type { Plan } from "./plan.ts";
import { DEFAULT_AUDIO_SECONDS } from "./audio-embedding.ts";
import { generationFrame, type Frame } from "./frame.ts";
import { motionFrames, motionLatentFrames } from "./motion-context.ts";
import { resolveGpu, type ResolvedGpu } from "./resolve-gpu.ts";
import { kvCacheLayout, type KvCacheLayout } from "./kv-cache.ts";
import { blocksPerClip, latentFramesPerClip, tokensPerFrameOf } from "./tokens.ts";

/** What every term reads: the plan and the few numbers derived from it once. */
export type EstimateContext = {
  plan: Plan;
  profile: ModelProfile;
  gpu: ResolvedGpu;
  /** Tokens per latent frame, (H/16)·(W/16). */
  tf: number;
  /** Query tokens of one autoregressive block (3 latent frames). */
  tokens: number;
  /** The frame the run generates: the reference image under MAX_AREA_CONFIGS[size] (get_gen_size), not `--size`. */
  frame: Frame;
  pixels: number;
  /** Pixel frames of the motion context: 365 on one GPU, 73 under TPP. */
  motionFrames: number;
  /** Their latents: 92 on one GPU, 19 under TPP. */
  motionLatents: number;
  /** The audio wav2vec2 encodes in one pass: the plan's, else DEFAULT_AUDIO_SECONDS. */
  audioSeconds: number;
  kv: KvCacheLayout;
  latentFrames: number;
  blocks: number;
  /** GPUs that run the DiT. */
  ditRanks: number;
  /** FSDP's process group is the default one (process_group=None in fsdp.py): every rank holds a shard. */
  fsdpRanks: number;
  isMultiProcess: boolean;
};

export const buildContext = (plan: Plan): EstimateContext => {
  const profile = getProfile(plan.model);
  const isSingle = plan.parallel.mode === "single";
  const ditRanks = isSingle ? 1 : Math.max(1, Math.min(plan.parallel.numGpusDit, plan.hardware.count));
  const frame = generationFrame(plan.params.size, plan.params.imageSize);
  const tf = tokensPerFrameOf(frame.width, frame.height, profile);
  return {
    plan,
    profile,
    gpu: resolveGpu(plan.hardware),
    tf,
    tokens: tf * profile.framesPerLatentBlock,
    frame,
    pixels: frame.width * frame.height,
    motionFrames: motionFrames(profile, plan.parallel.mode),
    motionLatents: motionLatentFrames(motionFrames(profile, plan.parallel.mode)),
    audioSeconds: plan.params.audioSeconds ?? DEFAULT_AUDIO_SECONDS,
    kv: kvCacheLayout(profile, plan.params.inferFrames, tf, plan.parallel.mode, plan.params.sampleSteps, plan.params.offloadKvCache),
    latentFrames: latentFramesPerClip(plan.params.inferFrames, profile),
    blocks: blocksPerClip(plan.params.inferFrames, profile),
    ditRanks,
    fsdpRanks: plan.hardware.count,
    isMultiProcess: plan.hardware.count > 1,
  };
};
