import { GIB, resolvePlan, speedRanges, type Estimate, type GpuEstimate, type MeasuredRun, type Note, type Plan, type PlanInput } from "@headroom/estimator";
import type { RuleContext } from "./rule.ts";

/** Test-only builders: a resolved plan, and an estimate whose margins and speed a test states directly. */
export const plan = (input: PlanInput = {}): Plan => resolvePlan(input);

export type FakeEstimate = {
  marginsGib?: number[];
  usableGib?: number;
  fps?: number;
  offloadShare?: number;
  hostRamBytes?: number;
  videoSeconds?: number;
  notes?: Note[];
};

const fakeGpu = (rank: number, marginGib: number, usableGib: number): GpuEstimate => ({
  rank,
  role: rank === 0 ? "dit" : "vae",
  phases: [],
  peakBytes: (usableGib - marginGib) * GIB,
  peakPhase: "denoise",
  usableBytes: usableGib * GIB,
  marginBytes: marginGib * GIB,
});

export const fakeEstimate = (fake: FakeEstimate = {}): Estimate => {
  const usableGib = fake.usableGib ?? 79.18;
  return {
    estimatorVersion: "test",
    frame: { width: 704, height: 384, imageSize: "720*400", isAssumedImage: true, audioSeconds: 19.2, isAssumedAudio: true },
    gpus: (fake.marginsGib ?? [20]).map((margin, rank) => fakeGpu(rank, margin, usableGib)),
    worstRank: 0,
    hostRamBytes: fake.hostRamBytes ?? 50e9,
    hostRamTerms: [],
    hostRamPeakPhase: "run",
    hostRamPhases: [{ phase: "run", bytes: fake.hostRamBytes ?? 50e9, terms: [] }],
    speed: {
      forwardSeconds: 0.1,
      stepSeconds: 0.1,
      clipSeconds: 48 / (fake.fps ?? 10),
      fps: fake.fps ?? 10,
      clips: 10,
      videoSeconds: fake.videoSeconds ?? 19.2,
      startupSeconds: 60,
      wallSeconds: 60 + (fake.videoSeconds ?? 19.2) * 25 / (fake.fps ?? 10),
      offloadShare: fake.offloadShare ?? 0,
      ...speedRanges({ fps: fake.fps ?? 10, stepSeconds: 0.1, startupSeconds: 60, wallSeconds: 60 + ((fake.videoSeconds ?? 19.2) * 25) / (fake.fps ?? 10), offloadShare: fake.offloadShare ?? 0 }),
      terms: [],
    },
    notes: fake.notes ?? [],
    errorBar: { relative: 0.03, absoluteBytes: 0.5 * GIB, source: { kind: "assumption", ref: "test" } },
  };
};

export const ctx = (input: PlanInput = {}, fake: FakeEstimate = {}, measured: RuleContext["measured"] = []): RuleContext => ({ plan: plan(input), estimate: fakeEstimate(fake), measured });

/** A committed run of `input`'s plan that ran out of memory at load (or fit), standing in as `standIn` says. */
export const measuredRun = (input: PlanInput, fits: boolean, standIn: string[] = []): MeasuredRun => ({
  file: "test-run.json",
  id: "test-run",
  gpu: "NVIDIA H200",
  capBytes: 23.65 * GIB,
  plan: plan(input),
  standIn,
  comparison: {
    id: "test-run",
    instrument: "probe",
    gpu: "NVIDIA H200",
    measuredFits: fits,
    overCapBytes: 0,
    predictedFits: true,
    verdictAgrees: fits,
    peaks: [],
    phases: [],
    measuredOomPhase: fits ? null : "load",
    predictedOomPhase: null,
  },
});
