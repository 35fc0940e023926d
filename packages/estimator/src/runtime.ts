import { MIB } from "./units.ts";
import { FITTED, FITTED_SOURCE } from "./fitted.ts";

/** Bytes outside PyTorch's allocator (CUDA context, cuBLAS/cuDNN handles): deviceUsed − reserved on the probe runs. */
export const CUDA_CONTEXT_BYTES = FITTED.cudaContextBytes;
/** NCCL communicator buffers per rank, measured on the 2-rank FSDP runs. */
export const NCCL_BUFFER_BYTES = FITTED.ncclBufferBytes;

/** reserved − allocated at the peak: about 2 % on one GPU, about 9 % under FSDP (flat-parameter churn); fitted.json. */
export const ALLOCATOR_SLACK_SHARE = FITTED.allocatorSlackShare;
export const FSDP_ALLOCATOR_SLACK_SHARE = FITTED.fsdpAllocatorSlackShare;
export const allocatorSlackBytes = (allocatedBytes: number, isFsdp: boolean): number =>
  Math.max(128 * MIB, allocatedBytes * (isFsdp ? FSDP_ALLOCATOR_SLACK_SHARE : ALLOCATOR_SLACK_SHARE));

export const RUNTIME_SOURCE = FITTED_SOURCE;
