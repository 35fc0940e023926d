import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import type { PlanInput } from "./plan.ts";
import { speedRegime, type SpeedRegime } from "./speed-error-bar.ts";

/**
 * Every committed observation of LiveAvatar's speed the estimator can be held to, as plans: the interim basis of
 * SPEED_ERROR_BAR until issue 13 measures upstream's own timings.
 */
export type FpsObservation = { id: string; cites: string[]; plan: PlanInput; observedFps: [low: number, high: number] };

export const FPS_OBSERVATIONS: readonly FpsObservation[] = [
  {
    // The overhead factor is fitted here (throughput.ts DIT_OVERHEAD_FACTOR): it confirms the fit, nothing more.
    id: "README 45 FPS",
    cites: ["liveavatar.md: README, 45 FPS on multi-GPU H800 with FP8 + compile"],
    plan: { hardware: { gpu: "h100-sxm", count: 5 } },
    observedFps: [45, 45],
  },
  {
    // v1.0 had no --fp8: bf16 on one 80 GB GPU at 704×384.
    id: "FR-14",
    cites: ["FR-14"],
    plan: { hardware: { gpu: "h100-sxm", count: 1 }, params: { size: "704*384", fp8: false } },
    observedFps: [1.2, 1.5],
  },
  {
    // The golden table's FR-15 plan (packages/rules golden-field-report.test.ts).
    id: "FR-15",
    cites: ["FR-15"],
    plan: { hardware: { gpu: "rtx-4090", count: 1, hostRamGb: 128 }, params: { offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } },
    observedFps: [0.07, 0.07],
  },
  {
    // The golden table's FR-12 plan: the report's v1.0 FSDP launch with CPUOffload(offload_params=True), bf16.
    id: "FR-12",
    cites: ["FR-12"],
    plan: {
      hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128, hostLink: "pcie4-x16" },
      params: { size: "704*384", numClip: 100, fp8: false },
      parallel: { ditFsdp: true, t5Fsdp: true, fsdpCpuOffload: true },
    },
    observedFps: [0.03, 0.03],
  },
];

/** A timed forward: the probe's eager median against the estimator's compute term (speed-calibration.ts compareSpeed). */
export type ForwardObservation = { id: string; predictedSeconds: number; measuredSeconds: number };

/**
 * The probe's extremes, copied from compareSpeed over data/measurements (apps/cli calibration.test.ts recomputes
 * them from the files and fails when they move): eager PyTorch, so they bound the no-compile side.
 */
export const PROBE_FORWARD_EXTREMES: readonly ForwardObservation[] = [
  { id: "h100-384x256", predictedSeconds: 0.0716, measuredSeconds: 0.368 },
  { id: "h100-704x384-bf16-cap79", predictedSeconds: 0.3897, measuredSeconds: 0.3415 },
];

export type SpeedMiss = { id: string; regime: SpeedRegime; slower: number; faster: number };

/** How much slower (and faster) than predicted each observation ran; 1 where it did not. */
export const fpsMiss = (observation: FpsObservation): SpeedMiss => {
  const { speed } = estimate(resolvePlan(observation.plan));
  const [low, high] = observation.observedFps;
  return { id: observation.id, regime: speedRegime(speed.offloadShare), slower: Math.max(1, speed.fps / low), faster: Math.max(1, high / speed.fps) };
};

export const forwardMiss = (observation: ForwardObservation): SpeedMiss => ({
  id: observation.id,
  regime: "compute",
  slower: Math.max(1, observation.measuredSeconds / observation.predictedSeconds),
  faster: Math.max(1, observation.predictedSeconds / observation.measuredSeconds),
});

/** The widest miss per regime; a regime with no faster-than-predicted observation borrows compute's faster side. */
export const deriveSpeedErrorBar = (misses: readonly SpeedMiss[]): Record<SpeedRegime, { slower: number; faster: number }> => {
  const widest = (regime: SpeedRegime) => {
    const own = misses.filter((miss) => miss.regime === regime);
    return { slower: Math.max(1, ...own.map((miss) => miss.slower)), faster: Math.max(1, ...own.map((miss) => miss.faster)) };
  };
  const compute = widest("compute");
  const offload = widest("offload");
  return { compute, offload: { slower: offload.slower, faster: Math.max(offload.faster, compute.faster) } };
};

export const speedMisses = (): SpeedMiss[] => [...FPS_OBSERVATIONS.map(fpsMiss), ...PROBE_FORWARD_EXTREMES.map(forwardMiss)];
