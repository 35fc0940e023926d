import { GIB, MIB } from "./units.ts";
import { measured } from "./sources.ts";

/** Bytes outside PyTorch's allocator (CUDA context, cuBLAS/cuDNN handles): deviceUsed − reserved on the H100 runs. */
export const CUDA_CONTEXT_BYTES = 0.67 * GIB;
/** NCCL communicator buffers per rank, measured on the 2-rank FSDP runs. */
export const NCCL_BUFFER_BYTES = 0.82 * GIB;

/** reserved − allocated at the peak: 1.7 % on the single-GPU runs, about 9 % under FSDP (flat-parameter churn). */
export const ALLOCATOR_SLACK_SHARE = 0.017;
export const FSDP_ALLOCATOR_SLACK_SHARE = 0.09;
export const allocatorSlackBytes = (allocatedBytes: number, isFsdp: boolean): number =>
  Math.max(128 * MIB, allocatedBytes * (isFsdp ? FSDP_ALLOCATOR_SLACK_SHARE : ALLOCATOR_SLACK_SHARE));

export const RUNTIME_SOURCE = measured("data/measurements/h100-704x384-default.json, fsdp2-block-704x384-bf16.json");
