// zod for the Estimate stored as JSON (reports, jobs): read back through this, never cast.
// Typed as ZodType<Estimate>, so a new required field in the estimator's type fails typecheck here;
// loose objects keep fields this schema does not know yet instead of dropping them.
import { PHASES, speedRanges, type Estimate } from "@headroom/estimator";
import { z } from "zod";

const Source = z.looseObject({
  kind: z.enum(["architecture", "upstream", "measurement", "field-report", "datasheet", "assumption"]),
  ref: z.string(),
  note: z.string().optional(),
});

const Term = z.looseObject({
  id: z.string(),
  label: z.string(),
  value: z.number(),
  unit: z.enum(["bytes", "seconds", "flops", "ratio"]),
  kind: z.enum(["resident", "transient"]),
  inputs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  source: Source,
});

const Phase = z.enum(PHASES);

const GpuEstimate = z.looseObject({
  rank: z.number().int(),
  role: z.enum(["single", "dit", "vae", "idle"]),
  phases: z.array(
    z.looseObject({
      phase: Phase,
      residentBytes: z.number(),
      transientBytes: z.number(),
      totalBytes: z.number(),
      terms: z.array(Term),
    }),
  ),
  peakBytes: z.number(),
  peakPhase: Phase,
  usableBytes: z.number(),
  marginBytes: z.number(),
});

const SpeedEstimate = z.looseObject({
  forwardSeconds: z.number(),
  stepSeconds: z.number(),
  clipSeconds: z.number(),
  fps: z.number(),
  clips: z.number(),
  videoSeconds: z.number(),
  startupSeconds: z.number(),
  wallSeconds: z.number(),
  offloadShare: z.number(),
  // Speed ranges arrived with estimator 0.2.1's speed error bar; older snapshots get them from their point values.
  fpsRange: z.tuple([z.number(), z.number()]).optional(),
  stepSecondsRange: z.tuple([z.number(), z.number()]).optional(),
  wallSecondsRange: z.tuple([z.number(), z.number()]).optional(),
  speedErrorBar: z.looseObject({ regime: z.enum(["compute", "offload"]), slower: z.number(), faster: z.number(), source: Source }).optional(),
  terms: z.array(Term),
});

const Note = z.looseObject({
  id: z.string(),
  message: z.string(),
  reported: z.string().nullable(),
  predicted: z.string().nullable(),
  cites: z.array(z.string()),
});

const FrameEstimate = z.looseObject({
  width: z.number(),
  height: z.number(),
  imageSize: z.string(),
  isAssumedImage: z.boolean(),
  audioSeconds: z.number(),
  isAssumedAudio: z.boolean(),
});

const HostRamPhase = z.looseObject({ phase: z.enum(["load", "run"]), bytes: z.number(), terms: z.array(Term) });

/** Snapshots stored before estimator 0.2.0 carry no frame and one host RAM sum (the generation phase's). */
export const EstimateJson: z.ZodType<Estimate> = z
  .looseObject({
    estimatorVersion: z.string(),
    frame: FrameEstimate.nullable().default(null),
    gpus: z.array(GpuEstimate),
    worstRank: z.number().int(),
    hostRamBytes: z.number(),
    hostRamTerms: z.array(Term),
    hostRamPeakPhase: z.enum(["load", "run"]).default("run"),
    hostRamPhases: z.array(HostRamPhase).optional(),
    speed: SpeedEstimate,
    notes: z.array(Note),
    errorBar: z.looseObject({ relative: z.number(), absoluteBytes: z.number(), source: Source }),
  })
  .transform((e) => ({
    ...e,
    hostRamPhases: e.hostRamPhases ?? [{ phase: "run" as const, bytes: e.hostRamBytes, terms: e.hostRamTerms }],
    speed: { ...speedRanges(e.speed), ...stripUndefined(e.speed) },
  }));

const stripUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The largest per-GPU peak an estimate predicts: what a job's measured peak is compared with. */
export const predictedPeakBytes = (estimate: Estimate): number =>
  estimate.gpus.reduce((peak, gpu) => Math.max(peak, gpu.peakBytes), 0);
