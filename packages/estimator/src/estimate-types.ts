import type { Source } from "./sources.ts";
import type { Range, SpeedErrorBar } from "./speed-error-bar.ts";

export const PHASES = ["load", "encode", "denoise", "decode"] as const;
export type Phase = (typeof PHASES)[number];

export type GpuRole = "single" | "dit" | "vae" | "idle";

/** One line of a memory or speed formula: its value, the inputs it was computed from, and its source. */
export type Term = {
  id: string;
  label: string;
  value: number;
  unit: "bytes" | "seconds" | "flops" | "ratio";
  kind: "resident" | "transient";
  inputs: Record<string, number | string | boolean>;
  source: Source;
};

export type PhaseMemory = {
  phase: Phase;
  residentBytes: number;
  transientBytes: number;
  totalBytes: number;
  terms: Term[];
};

export type GpuEstimate = {
  rank: number;
  role: GpuRole;
  phases: PhaseMemory[];
  peakBytes: number;
  peakPhase: Phase;
  usableBytes: number;
  /** usable − peak; negative means out of memory. */
  marginBytes: number;
};

export type SpeedEstimate = {
  /** One DiT forward over one autoregressive block (3 latent frames) on one GPU. */
  forwardSeconds: number;
  stepSeconds: number;
  clipSeconds: number;
  fps: number;
  clips: number;
  videoSeconds: number;
  startupSeconds: number;
  wallSeconds: number;
  /** Share of a forward spent moving weights or caches over PCIe or between GPUs (offload, FSDP gathers). */
  offloadShare: number;
  /** fps widened by speedErrorBar (speed-error-bar.ts); show these, keep fps for sorting and JSON. */
  fpsRange: Range;
  stepSecondsRange: Range;
  wallSecondsRange: Range;
  speedErrorBar: SpeedErrorBar;
  terms: Term[];
};

/** Where the field report and the source disagree, or a reported number sits beside ours. */
export type Note = {
  id: string;
  message: string;
  reported: string | null;
  predicted: string | null;
  cites: string[];
};

export type ErrorBar = { relative: number; absoluteBytes: number; source: Source };

/** The frame the run generates and where it came from (get_gen_size: the image under MAX_AREA_CONFIGS[size]). */
export type FrameEstimate = {
  width: number;
  height: number;
  /** The reference image's W*H the frame was derived from. */
  imageSize: string;
  /** true: the plan named no image, so the scripts' example image (720×400) was assumed. */
  isAssumedImage: boolean;
  audioSeconds: number;
  isAssumedAudio: boolean;
};

export type Estimate = {
  estimatorVersion: string;
  /** estimate() always fills it; null only in snapshots stored before estimator 0.2.0, which took `--size` as the frame. */
  frame: FrameEstimate | null;
  gpus: GpuEstimate[];
  /** The GPU with the least margin: it decides the verdict. */
  worstRank: number;
  /** The larger of the host RAM phases (start-up, generation). */
  hostRamBytes: number;
  hostRamTerms: Term[];
  hostRamPeakPhase: "load" | "run";
  hostRamPhases: { phase: "load" | "run"; bytes: number; terms: Term[] }[];
  speed: SpeedEstimate;
  notes: Note[];
  errorBar: ErrorBar;
};
