import { comparedPlan, type Measurement } from "./calibration.ts";
import { estimate } from "./estimate.ts";
import { catalogGpuId, GPU_CATALOG, type GpuId } from "./gpu-catalog.ts";

export type SpeedComparison = {
  id: string;
  /** Catalog id of the card the run was timed on (its speed, not the plan's GPU's). */
  gpu: GpuId;
  fp8: boolean;
  /** One DiT forward over one block at the tensor cores' datasheet peak: the floor no kernel beats. */
  rooflineSeconds: number;
  /** estimate()'s forward compute on that card: roofline ÷ efficiency × overhead (fitted to upstream's compiled run). */
  predictedSeconds: number;
  /** The probe's median forward (eager PyTorch: fp8 quantizes activations per call, nothing compiled). */
  measuredSeconds: number;
};

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Seconds per DiT forward, measured against the roofline, on the card the probe ran on. Informational, not held to
 * the error bar: upstream compiles the DiT (ENABLE_COMPILE) and the probe does not, so speed stays fitted to
 * upstream's published 45 FPS; these rows show how far eager PyTorch sits from the roofline.
 */
export const compareSpeed = (m: Measurement): SpeedComparison | null => {
  const forwards = m.ranks.flatMap((rank) => (rank.fits === true && rank.secondsPerForward ? [rank.secondsPerForward] : []));
  const gpu = catalogGpuId(m.gpu);
  if (forwards.length === 0 || gpu === null) return null;
  const plan = comparedPlan(m);
  const onCard = { ...plan, hardware: { ...plan.hardware, gpu, custom: null } };
  const compute = estimate(onCard).speed.terms.find((term) => term.id === "dit-compute")!;
  const spec = GPU_CATALOG[gpu];
  const linearTflops = Number(compute.inputs.linearTflops);
  const rooflineSeconds = Number(compute.inputs.linearFlops) / (linearTflops * 1e12) + Number(compute.inputs.attentionFlops) / (spec.bf16Tflops * 1e12);
  return { id: m.id, gpu, fp8: plan.params.fp8, rooflineSeconds, predictedSeconds: compute.value, measuredSeconds: median(forwards) };
};
