import { getProfile, type ModelProfile } from "./model-profile.ts";
import type { Plan } from "./plan.ts";
import { resolveGpu, type ResolvedGpu } from "./resolve-gpu.ts";
import { blocksPerClip, latentFramesPerClip, pixelsPerFrame, tokensPerBlock } from "./tokens.ts";

/** What every term reads: the plan and the few numbers derived from it once. */
export type EstimateContext = {
  plan: Plan;
  profile: ModelProfile;
  gpu: ResolvedGpu;
  tokens: number;
  pixels: number;
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
  return {
    plan,
    profile,
    gpu: resolveGpu(plan.hardware),
    tokens: tokensPerBlock(plan.params.size, profile),
    pixels: pixelsPerFrame(plan.params.size),
    latentFrames: latentFramesPerClip(plan.params.inferFrames, profile),
    blocks: blocksPerClip(plan.params.inferFrames, profile),
    ditRanks,
    fsdpRanks: plan.hardware.count,
    isMultiProcess: plan.hardware.count > 1,
  };
};
