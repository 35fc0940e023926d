import type { Measurement } from "./calibration.ts";
import { kernelSet, type KernelSet } from "./kernel-factors.ts";
import { median } from "./speed-calibration.ts";

/**
 * A kernel factor read off upstream's own timed runs: the forward of one lever pair (or of PyTorch's SDPA in place of
 * cuDNN self-attention) against the scripts' default on the same plan, card and attention. These replace
 * KERNEL_FACTORS' interim values once committed (apps/cli calibration.test.ts holds the two together).
 */
export type MeasuredKernelFactor = {
  kernels: KernelSet | "sdpa-self-attention";
  factor: number;
  /** The run timed with these kernels and the one it is divided by. */
  run: string;
  baseline: string;
  gpu: string;
  /** Timed at the plan KERNEL_FACTORS are defined at (704×384, 48 frames); elsewhere a ratio shows their size dependence. */
  atFactorsPlan: boolean;
};

type Timed = { m: Measurement; seconds: number };

const forwardSeconds = (m: Measurement): number | null => {
  const forwards = m.ranks.flatMap((rank) => (rank.fits === true && rank.secondsPerForward ? [rank.secondsPerForward] : []));
  return forwards.length > 0 ? median(forwards) : null;
};

/**
 * What a run asks of the DiT apart from its kernels, and where it ran: runs alike here differ only in fp8, compile and
 * attention. The machine is part of it — launch-bound kernels run at the host's pace (a second H100 host ran eager
 * 384×256 forwards 1.8× the first's), so a ratio across hosts would be the hosts' as much as the kernels'; the file
 * names its lease before the colon of `machine`. So are the allocator's settings (expandable segments ran eager
 * 384×256 forwards 16 % slower).
 */
const shapeKey = (m: Measurement): string => {
  const params = { ...m.plan.params, fp8: null, enableCompile: null };
  const lease = m.machine?.split(":")[0] ?? null;
  return JSON.stringify({ gpu: m.gpu, lease, allocConf: m.allocConf ?? null, params, parallel: m.plan.parallel, count: m.plan.hardware.count });
};

const attention = (m: Measurement) => m.selfAttention ?? "cudnn";

export const measuredKernelFactors = (measurements: readonly Measurement[]): MeasuredKernelFactor[] => {
  const timed: Timed[] = measurements.flatMap((m) => {
    const seconds = m.instrument.kind === "upstream" ? forwardSeconds(m) : null;
    return seconds === null ? [] : [{ m, seconds }];
  });
  const factors: MeasuredKernelFactor[] = [];
  const ratio = (kernels: MeasuredKernelFactor["kernels"], run: Timed, baseline: Timed) =>
    factors.push({ kernels, factor: run.seconds / baseline.seconds, run: run.m.id, baseline: baseline.m.id, gpu: run.m.gpu, atFactorsPlan: run.m.plan.params.size === "704*384" && run.m.plan.params.inferFrames === 48 });
  for (const run of timed) {
    const alike = timed.filter((other) => other !== run && shapeKey(other.m) === shapeKey(run.m));
    const set = kernelSet(run.m.plan.params);
    if (attention(run.m) === "sdpa") {
      const cudnn = alike.find((other) => attention(other.m) === "cudnn" && kernelSet(other.m.plan.params) === set);
      if (cudnn) ratio("sdpa-self-attention", run, cudnn);
      continue;
    }
    const base = alike.find((other) => attention(other.m) === "cudnn" && kernelSet(other.m.plan.params) === "compiled-fp8");
    if (base && set !== "compiled-fp8") ratio(set, run, base);
  }
  return factors;
};

/**
 * A factor in use that upstream's own runs at its plan contradict by more than `tolerance` (10 %: run-to-run spread of
 * a median is ~1 % on one machine; host to host, eager fp8 ÷ compiled at 704×384 was 1.27 on the H200 and 1.41 on a
 * second H100 host). At smaller frames eager's launch cost weighs more (384×256: eager fp8 1.45–1.89× compiled);
 * speed's error bar carries that (speed-observations.ts FORWARD_EXTREMES).
 */
export const staleKernelFactors = (measured: readonly MeasuredKernelFactor[], inUse: Record<KernelSet, { factor: number }>, tolerance = 0.1): MeasuredKernelFactor[] =>
  measured.filter((m) => m.kernels !== "sdpa-self-attention" && m.atFactorsPlan && Math.abs(inUse[m.kernels].factor / m.factor - 1) > tolerance);
