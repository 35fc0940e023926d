import { measured } from "./sources.ts";
import { GIB, MIB } from "./units.ts";
import { FITTED, FITTED_SOURCE } from "./fitted.ts";

/** Bytes outside PyTorch's allocator (CUDA context, cuBLAS/cuDNN handles): deviceUsed − reserved on the probe runs. */
export const CUDA_CONTEXT_BYTES = FITTED.cudaContextBytes;
/** NCCL communicator buffers per rank, measured on the 2-rank FSDP runs. */
export const NCCL_BUFFER_BYTES = FITTED.ncclBufferBytes;
/** NCCL's point-to-point channels once a TPP rank has received and sent latents: measured on 5-rank TPP (tpp5-*). */
export const NCCL_P2P_BYTES = FITTED.ncclP2pBytes;

/** reserved − allocated at the peak: about 2 % of what is allocated on one GPU; fitted.json. */
export const ALLOCATOR_SLACK_SHARE = FITTED.allocatorSlackShare;
/** Under FSDP, forwards gather and free one block's flat parameter after another: the cache keeps about six of them,
 *  whatever else is allocated (3.9–4.0 GiB on the 2- and 4-rank bf16 runs, at 45 and 26 GiB allocated). */
export const FSDP_SLACK_BLOCKS = FITTED.fsdpSlackBlocks;
/** fsdpBlockBytes: one gathered block during FSDP forwards, else null. */
export const allocatorSlackBytes = (allocatedBytes: number, fsdpBlockBytes: number | null): number =>
  fsdpBlockBytes === null ? Math.max(128 * MIB, allocatedBytes * ALLOCATOR_SLACK_SHARE) : FSDP_SLACK_BLOCKS * fsdpBlockBytes;

export const RUNTIME_SOURCE = FITTED_SOURCE;

/**
 * What LiveAvatar's own code holds outside PyTorch's allocator beyond the CUDA context the probe measures: cuDNN's
 * attention handles and workspaces, flash-attn's and the compiled quant_fp8 kernels' modules. Upstream's runs (every
 * phase, fp8 and bf16, eager and compiled, 704×384 and 384×256) held 1.15–1.24 GiB outside the allocator (median 1.23);
 * the probe, which the cuda-context term is fitted to, 0.68. Calibration leaves it out where the probe measured.
 */
export const UPSTREAM_KERNELS_TERM_ID = "upstream-kernels";
export const UPSTREAM_KERNELS_BYTES = 0.55 * GIB;
export const UPSTREAM_KERNELS_SOURCE = measured(
  "data/measurements/upstream-*.json (cuDNN self-attention runs): deviceUsed − reserved, every phase",
  "median 1.23 GiB outside the allocator, less the probe-fitted CUDA context 0.68 GiB",
);
