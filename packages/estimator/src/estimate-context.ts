import { getProfile, type ModelProfile } from "./model-profile.ts";
import { parseSize, type Plan } from "./plan.ts";
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
  pixels: number;
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
  const { width, height } = parseSize(plan.params.size);
  const tf = tokensPerFrameOf(width, height, profile);
  return {
    plan,
    profile,
    gpu: resolveGpu(plan.hardware),
    tf,
    tokens: tf * profile.framesPerLatentBlock,
    pixels: width * height,
    kv: kvCacheLayout(profile, plan.params.inferFrames, tf, plan.parallel.mode, plan.params.sampleSteps, plan.params.offloadKvCache),
    latentFrames: latentFramesPerClip(plan.params.inferFrames, profile),
    blocks: blocksPerClip(plan.params.inferFrames, profile),
    ditRanks,
    fsdpRanks: plan.hardware.count,
    isMultiProcess: plan.hardware.count > 1,
  };
};
