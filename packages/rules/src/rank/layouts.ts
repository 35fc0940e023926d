import { SINGLE_GPU_PARALLEL, TPP_PARALLEL, type Plan, type PlanPatch } from "@headroom/estimator";

/** The GPU counts "Which GPUs?" compares. */
export const RANK_COUNTS = [1, 2, 4, 5, 8] as const;

export type RankLayout = {
  /** The layout upstream runs at this count, in words; or why it runs none. */
  label: string;
  /** false: upstream has no layout for the count (it picks single at WORLD_SIZE 1 and TPP at ≥ 5). */
  isUpstream: boolean;
  patch: (plan: Plan) => PlanPatch;
};

// TPP asserts offload_model off with more than one DiT rank (FR-23); the plan's own TPP settings (FSDP, …) are kept.
const tpp = (count: number) => (plan: Plan): PlanPatch => ({
  hardware: { count },
  parallel: plan.parallel.mode === "tpp" ? {} : TPP_PARALLEL,
  params: { offloadModel: false },
});
// From TPP, the single-GPU script's layout and its offload_model True (infinite_inference_single_gpu.sh); a plan that is
// already single keeps its own choice.
const single = (plan: Plan): PlanPatch =>
  plan.parallel.mode === "single" ? { hardware: { count: 1 } } : { hardware: { count: 1 }, parallel: SINGLE_GPU_PARALLEL, params: { offloadModel: true } };

const NO_LAYOUT = (count: number): RankLayout => ({
  label: `none: upstream runs 1 GPU or ≥ 5 (TPP), not ${count}`,
  isUpstream: false,
  patch: tpp(count),
});

/** Upstream picks the mode from WORLD_SIZE (minimal_inference/s2v_streaming_interact.py): 1 → single, ≥ 5 → TPP. */
export const RANK_LAYOUTS: Record<(typeof RANK_COUNTS)[number], RankLayout> = {
  1: { label: "single GPU", isUpstream: true, patch: single },
  2: NO_LAYOUT(2),
  4: NO_LAYOUT(4),
  5: { label: "TPP: 4 DiT ranks + 1 VAE rank", isUpstream: true, patch: tpp(5) },
  8: { label: "TPP: 4 DiT ranks + 1 VAE rank, 3 GPUs idle", isUpstream: true, patch: tpp(8) },
};
