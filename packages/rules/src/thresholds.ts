import { GIB, type ErrorBar } from "@headroom/estimator";

/** Below this a run is "runs-slowly": FR-14's 1.2–1.5 fps is the usable single-GPU rate; FR-12/FR-15 sit far under it. */
export const SLOW_FPS = 1.0;

/** Offload traffic at or above half of each forward means PCIe, not the GPU, sets the pace. */
export const SLOW_OFFLOAD_SHARE = 0.5;

/** The estimator's stated uncertainty: max(3 % of usable, 0.5 GiB); used when an estimate carries no error bar. */
export const TIGHT_MARGIN: Pick<ErrorBar, "relative" | "absoluteBytes"> = { relative: 0.03, absoluteBytes: 0.5 * GIB };

/** A margin under the estimate's own error bar could go either way on the real GPU. */
export const tightMarginBytes = (
  usableBytes: number,
  errorBar: Pick<ErrorBar, "relative" | "absoluteBytes"> = TIGHT_MARGIN,
): number => Math.max(errorBar.relative * usableBytes, errorBar.absoluteBytes);
