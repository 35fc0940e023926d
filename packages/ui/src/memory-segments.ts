import type { GpuEstimate, SourceKind } from "@headroom/estimator";

/** One stacked piece of a GPU's memory bar at its peak phase. */
export type MemorySegment = {
  id: string;
  label: string;
  bytes: number;
  /** Share of the GPU's usable VRAM; segments past 1 are the overflow. */
  share: number;
  sourceKind: SourceKind;
  isTransient: boolean;
};

/** The peak phase's terms, resident first then transient (largest first within each), as bar segments. */
export const memorySegments = (gpu: GpuEstimate): MemorySegment[] => {
  const phase = gpu.phases.find((candidate) => candidate.phase === gpu.peakPhase);
  if (!phase || gpu.usableBytes <= 0) return [];
  return phase.terms
    .filter((term) => term.value > 0)
    .map((term) => ({
      id: term.id,
      label: term.label,
      bytes: term.value,
      share: term.value / gpu.usableBytes,
      sourceKind: term.source.kind,
      isTransient: term.kind === "transient",
    }))
    .sort((a, b) => Number(a.isTransient) - Number(b.isTransient) || b.bytes - a.bytes);
};
