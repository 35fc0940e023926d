import { GPU_CATALOG, GPU_IDS, SINGLE_GPU_PARALLEL, TPP_PARALLEL, type GpuId, type Plan, type PlanPatch } from "@headroom/estimator";

/** The two layouts upstream ships scripts for: one GPU (whose script sets offload_model True), or TPP on five. */
const layoutPatch = (count: number): PlanPatch =>
  count === 1
    ? { hardware: { count: 1 }, parallel: SINGLE_GPU_PARALLEL, params: { offloadModel: true } }
    : { hardware: { count }, parallel: TPP_PARALLEL, params: { offloadModel: false } };

const withGpu = (patch: PlanPatch, gpu: GpuId): PlanPatch => ({ ...patch, hardware: { ...patch.hardware, gpu, custom: null } });

/** Smallest memory first: the levers one GPU needs at a count are enough for every larger one there. */
const BY_MEMORY: readonly GpuId[] = [...GPU_IDS].sort((a, b) => GPU_CATALOG[a].usableBytes - GPU_CATALOG[b].usableBytes);

/**
 * Hardware to try, nearest first: the plan's own (always first), its GPU at 1 and 5, then every other
 * catalog GPU at the plan's count, 1 and 5.
 */
export const hardwareBases = (plan: Plan): PlanPatch[] => {
  const { gpu, count } = plan.hardware;
  const counts = [...new Set([count, 1, 5])];
  const ownGpu = counts.slice(1).map(layoutPatch);
  const otherGpus = counts.flatMap((n) => BY_MEMORY.filter((id) => id !== gpu).map((id) => withGpu(n === count ? {} : layoutPatch(n), id)));
  return [{}, ...ownGpu, ...otherGpus];
};
