import { GIB, MIB } from "./units.ts";

/** CUDA context + cuBLAS/cuDNN workspaces of one PyTorch process; outside the caching allocator. */
export const CUDA_CONTEXT_BYTES = 0.5 * GIB;

/** NCCL communicator buffers per rank when the run spans several processes. */
export const NCCL_BUFFER_BYTES = 384 * MIB;

/** reserved − allocated at the peak: the caching allocator's rounding and fragmentation. */
export const ALLOCATOR_SLACK_SHARE = 0.03;
export const allocatorSlackBytes = (allocatedBytes: number): number =>
  Math.max(128 * MIB, allocatedBytes * ALLOCATOR_SLACK_SHARE);
