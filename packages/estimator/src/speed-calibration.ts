import { comparedPlan, type Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { catalogGpuId, GPU_CATALOG, type GpuId } from "./gpu-catalog.ts";
import type { Plan } from "./plan.ts";

export type SpeedComparison = {
  id: string;
  /** Catalog id of the card the run was timed on (its speed, not the plan's GPU's). */
  gpu: GpuId;
  fp8: boolean;
  /** One DiT forward over one block at the tensor cores' datasheet peak: the floor no kernel beats. */
  rooflineSeconds: number;
  /** estimate()'s forward on that card with the run's kernels (timedPlan): roofline ÷ efficiency × overhead × the kernel factor. */
  predictedSeconds: number;
  /** The run's median forward: the probe's is eager PyTorch (fp8 quantizes activations per call), upstream's its own kernels. */
  measuredSeconds: number;
};

/** The run's plan on the card it was timed on, compiled only where upstream's own code ran with ENABLE_COMPILE (the probe never compiles). */
export const timedPlan = (m: Measurement, gpu: GpuId): Plan => {
  const plan = comparedPlan(m);
  const compiled = m.instrument.kind === "upstream" && plan.params.enableCompile;
  return { ...plan, params: { ...plan.params, enableCompile: compiled }, hardware: { ...plan.hardware, gpu, custom: null } };
};

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Seconds per DiT forward on the card the probe ran on: the roofline, estimate()'s eager forward, the probe's. The
 * eager kernel factors are read off two of these rows (kernel-factors.ts), so the others show how well the roofline
 * carries them to other frames; the widest misses feed speed's error bar (speed-observations.ts FORWARD_EXTREMES).
 */
export const compareSpeed = (m: Measurement): SpeedComparison | null => {
  const forwards = m.ranks.flatMap((rank) => (rank.fits === true && rank.secondsPerForward ? [rank.secondsPerForward] : []));
  const gpu = catalogGpuId(m.gpu);
  if (forwards.length === 0 || gpu === null) return null;
  const plan = comparedPlan(m);
  const terms = estimate(timedPlan(m, gpu)).speed.terms;
  const compute = terms.find((term) => term.id === "dit-compute")!;
  const kernels = terms.find((term) => term.id === "dit-kernels")!;
  const rooflineSeconds = (Number(compute.inputs.linearFlops) + Number(compute.inputs.attentionFlops)) / (GPU_CATALOG[gpu].bf16Tflops * 1e12);
  return { id: m.id, gpu, fp8: plan.params.fp8, rooflineSeconds, predictedSeconds: compute.value + kernels.value, measuredSeconds: median(forwards) };
};
