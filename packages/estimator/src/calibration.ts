import { z } from "zod";
import { estimate } from "./estimate.ts";
import { ERROR_BAR, HOST_RAM_ERROR_BAR } from "./error-bar.ts";
import { PHASES, type GpuEstimate, type Phase } from "./estimate-types.ts";
import { PROBE_HOST_TERM_IDS, type HostRamPhase } from "./host-ram.ts";
import { Plan } from "./plan.ts";
import { UPSTREAM_KERNELS_TERM_ID } from "./runtime.ts";

/** Plans measured before the image decided the frame name no image: the scripts' example image is what they ran with. */
const MeasuredPlan = z.preprocess((value) => {
  if (typeof value !== "object" || value === null) return value;
  const params = (value as { params?: unknown }).params;
  if (typeof params !== "object" || params === null || "imageSize" in params) return value;
  return { ...value, params: { ...params, imageSize: null } };
}, Plan);

const PhaseReading = z.object({ allocated: z.number(), reserved: z.number(), deviceUsed: z.number() });

/** The probe's host readings of one rank (apps/worker/python/headroom_probe/hostmem.py). */
const HostReading = z.object({
  peakRssBytes: z.number().nullable(),
  startRssBytes: z.number().nullable().optional(),
  kvCacheHostBytes: z.number().optional(),
  /** Decoded frames the run kept on the host (probe >= 0.2.0): the clips it ran, each decoded and kept. */
  frames: z.object({ clips: z.number().int().min(1), frames: z.number().int(), framesBytes: z.number() }).nullable().optional(),
});

/** Where a run departs from the plan it measures: fewer GPUs than ranks, ranks outside NCCL, a plan the probe could run. */
export const Emulation = z.object({
  processes: z.number().int(),
  gpus: z.number().int(),
  sharedGpus: z.array(z.object({ gpu: z.number().int(), ranks: z.array(z.number().int()) })).default([]),
  /** Ranks that joined no NCCL communicator (they share a GPU and talk over gloo): compared without the NCCL terms. */
  ranksWithoutNccl: z.array(z.number().int()).default([]),
  /** The plan the probe actually ran, when it differs; calibration compares with estimate(plan) of this one. */
  plan: MeasuredPlan.optional(),
  differences: z.array(z.string()),
});
export type Emulation = z.infer<typeof Emulation>;

/** What measured a run: Headroom's probe (our reading of the shapes) or LiveAvatar's own code with random weights. */
export const INSTRUMENT_KINDS = ["probe", "upstream"] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];
const Instrument = z.object({ kind: z.enum(INSTRUMENT_KINDS), version: z.string().nullable().optional(), commit: z.string().optional() });

/** A measurement as committed under data/measurements (see its README); files without an instrument are the probe's. */
export const Measurement = z.object({
  id: z.string(),
  instrument: Instrument.default({ kind: "probe" }),
  command: z.string(),
  /** The machine it ran on, as the file describes it: forwards are compared as ratios only within one. */
  machine: z.string().optional(),
  date: z.string(),
  gpu: z.string(),
  torchVersion: z.string(),
  capBytes: z.number().nullable(),
  plan: MeasuredPlan,
  /** The upstream harness's --self-attention: upstream's cuDNN kernel (the default) or PyTorch's SDPA in its place. */
  selfAttention: z.enum(["cudnn", "sdpa"]).optional(),
  /** PyTorch's allocator settings the upstream run had (PYTORCH_CUDA_ALLOC_CONF); null for none. */
  allocConf: z.string().nullable().optional(),
  emulation: Emulation.optional(),
  ranks: z.array(
    z.object({
      rank: z.number().int(),
      phases: z.partialRecord(z.enum(PHASES), PhaseReading),
      fits: z.boolean().nullable(),
      oomPhase: z.enum(PHASES).nullable().optional(),
      secondsPerForward: z.number().nullable().optional(),
      /** Seconds per denoising step: the KV cache moved in, the forward, the cache moved out. */
      secondsPerStep: z.number().nullable().optional(),
      /** Every denoising step and every forward in order (the upstream harness; one forward per step). */
      stepSeconds: z.array(z.number()).nullable().optional(),
      forwardSeconds: z.array(z.number()).nullable().optional(),
      decodeSecondsPerClip: z.array(z.number()).nullable().optional(),
      reencodeSeconds: z.number().nullable().optional(),
      /** The upstream harness: what forwards took beyond twice their median, summed (torch.compile and recompiles). */
      compileSeconds: z.number().nullable().optional(),
      /** The device's own memory: what an uncapped run could use. */
      totalMemory: z.number().nullable().optional(),
      host: HostReading.nullable().optional(),
    }),
  ),
});
export type Measurement = z.infer<typeof Measurement>;

/**
 * measuredBytes: what the GPU held (nvidia-smi's view; live bytes where the run pressed its cap); liveBytes: what was
 * live (allocated + outside the allocator). Below its limit a phase's need lies between the two — PyTorch returns the
 * cache no live tensor uses before it reports an OOM — so the error is the estimate's distance from that interval.
 */
export type PhaseComparison = { rank: number; phase: Phase; predictedBytes: number; measuredBytes: number; liveBytes: number; errorBytes: number; allowedBytes: number; isWithin: boolean };

export type PeakComparison = { rank: number; predictedBytes: number; measuredBytes: number; liveBytes: number; errorBytes: number; allowedBytes: number; isWithin: boolean };

export type MeasurementComparison = {
  id: string;
  instrument: InstrumentKind;
  gpu: string;
  measuredFits: boolean;
  /** A capped run that completed although the device held more than the cap (the cap binds PyTorch's allocator; what
   *  grows outside it after the start, cuDNN and compiled kernels, does not): bytes over the card, else 0. */
  overCapBytes: number;
  predictedFits: boolean;
  verdictAgrees: boolean;
  /** Each rank's peak over the phases, the number the error bar is about. */
  peaks: PeakComparison[];
  /** Phases a run that fit completed: each compared on the device bytes it used (nvidia-smi's view). */
  phases: PhaseComparison[];
  /** Where the run ran out, the phase it ran out in, and the one Headroom predicts. */
  measuredOomPhase: Phase | null;
  predictedOomPhase: Phase | null;
};

/**
 * What a phase needed: the device bytes it used (nvidia-smi's view) — except where a capped run pushed the
 * allocator to the cap, where it frees its cache and retries, so reserved says "the cap", not "the need":
 * there allocated + the bytes outside the allocator is the need.
 */
const AT_CAP_BYTES = 0.1 * 1024 ** 3;
/** What a phase held live: allocated + the bytes outside the allocator (its cache left out). */
export const liveBytes = (reading: z.infer<typeof PhaseReading>): number => reading.allocated + (reading.deviceUsed - reading.reserved);
const neededBytes = (reading: z.infer<typeof PhaseReading>, capBytes: number): number =>
  reading.deviceUsed >= capBytes - AT_CAP_BYTES ? liveBytes(reading) : reading.deviceUsed;
/** A phase's need as a run measured it: between what was live and what the device held (live alone at the cap). */
const needRange = (reading: z.infer<typeof PhaseReading>, capBytes: number): { live: number; held: number } => {
  const held = neededBytes(reading, capBytes);
  return { live: Math.min(liveBytes(reading), held), held };
};
/** How far [low, high] lies outside [live, held]: 0 where they overlap, negative under, positive over. */
const rangeDistance = (low: number, high: number, live: number, held: number): number =>
  high < live ? high - live : low > held ? low - held : 0;
/** How far a prediction lies outside [live, held]: 0 inside, negative under, positive over. */
export const errorFromRange = (predictedBytes: number, live: number, held: number): number => rangeDistance(predictedBytes, predictedBytes, live, held);

export const allowedErrorBytes = (measuredBytes: number): number => Math.max(ERROR_BAR.relative * measuredBytes, ERROR_BAR.absoluteBytes);

/** Clips a run decoded (one decode per clip on the rank that decodes); null where it recorded none (an OOM first). */
const clipsRun = (m: Measurement): number | null => {
  const most = Math.max(0, ...m.ranks.map((rank) => rank.decodeSecondsPerClip?.length ?? 0));
  return most > 0 ? most : null;
};

/**
 * The plan a run is compared with: the one the probe ran (an emulation's), else the one it measures — at the clips it
 * made, since from the second clip on a decode holds the clip before it (a 1-clip run measures a 1-clip plan).
 */
export const comparedPlan = (m: Measurement): Plan => {
  const plan = m.emulation?.plan ?? m.plan;
  const clips = clipsRun(m);
  return clips !== null && clips < plan.params.numClip ? { ...plan, params: { ...plan.params, numClip: clips } } : plan;
};

/**
 * A phase's predicted bytes, less the NCCL terms on a rank that joined no NCCL communicator in the emulation, and less
 * what only upstream's kernels hold outside the allocator where the probe measured (it runs neither cuDNN attention
 * nor compiled fp8 kernels).
 */
const predictedPhaseBytes = (gpu: GpuEstimate, phase: Phase, withoutNccl: boolean, instrument: InstrumentKind): number => {
  const memory = gpu.phases.find((p) => p.phase === phase);
  if (!memory) return 0;
  const left = (term: { id: string }) => (withoutNccl && term.id.startsWith("nccl")) || (instrument === "probe" && term.id === UPSTREAM_KERNELS_TERM_ID);
  return memory.totalBytes - memory.terms.filter(left).reduce((sum, term) => sum + term.value, 0);
};

/** Predicted vs measured for one committed run: per-phase peaks where it fit, the fit/OOM verdict always. */
export const compareMeasurement = (m: Measurement): MeasurementComparison => {
  const est = estimate(comparedPlan(m));
  const withoutNccl = new Set(m.emulation?.ranksWithoutNccl ?? []);
  const completed = m.ranks.every((rank) => rank.fits === true);
  const heldPeak = Math.max(0, ...m.ranks.flatMap((rank) => Object.values(rank.phases).map((reading) => reading?.deviceUsed ?? 0)));
  const overCapBytes = m.capBytes !== null && heldPeak > m.capBytes + AT_CAP_BYTES ? heldPeak - m.capBytes : 0;
  const measuredFits = completed && overCapBytes === 0;
  // A capped run had the cap; an uncapped one the whole device it ran on (not the plan's GPU).
  const deviceBytes = m.ranks.find((rank) => rank.totalMemory)?.totalMemory ?? null;
  const limitFor = (gpu: GpuEstimate): number => m.capBytes ?? deviceBytes ?? gpu.usableBytes;
  const predictedOf = (gpu: GpuEstimate, phase: Phase): number => predictedPhaseBytes(gpu, phase, withoutNccl.has(gpu.rank), m.instrument.kind);
  const peakOf = (gpu: GpuEstimate): number => Math.max(...PHASES.map((phase) => predictedOf(gpu, phase)));
  const overCap = est.gpus.filter((gpu) => peakOf(gpu) > limitFor(gpu));
  const firstOver = (rank: number) => {
    const gpu = est.gpus[rank];
    return gpu ? (PHASES.find((phase) => predictedOf(gpu, phase) > limitFor(gpu)) ?? null) : null;
  };
  const capBytes = m.capBytes ?? Infinity;
  const phases: PhaseComparison[] = [];
  if (completed) {
    for (const rank of m.ranks) {
      const gpu = est.gpus[rank.rank];
      if (!gpu) continue;
      for (const phase of PHASES) {
        const reading = rank.phases[phase];
        const predictedBytes = predictedOf(gpu, phase);
        if (!reading || predictedBytes === 0) continue;
        const { live, held: measuredBytes } = needRange(reading, capBytes);
        const errorBytes = errorFromRange(predictedBytes, live, measuredBytes);
        const allowedBytes = allowedErrorBytes(measuredBytes);
        phases.push({ rank: rank.rank, phase, predictedBytes, measuredBytes, liveBytes: live, errorBytes, allowedBytes, isWithin: Math.abs(errorBytes) <= allowedBytes });
      }
    }
  }
  const peaks: PeakComparison[] = [];
  for (const rank of m.ranks) {
    const mine = phases.filter((p) => p.rank === rank.rank);
    const gpu = est.gpus[rank.rank];
    if (mine.length === 0 || !gpu) continue;
    const measuredBytes = Math.max(...mine.map((p) => p.measuredBytes));
    const live = Math.max(...mine.map((p) => p.liveBytes));
    const predictedBytes = peakOf(gpu);
    const errorBytes = errorFromRange(predictedBytes, live, measuredBytes);
    const allowedBytes = allowedErrorBytes(measuredBytes);
    peaks.push({ rank: rank.rank, predictedBytes, measuredBytes, liveBytes: live, errorBytes, allowedBytes, isWithin: Math.abs(errorBytes) <= allowedBytes });
  }
  const oomRank = m.ranks.find((rank) => rank.fits === false);
  return {
    id: m.id,
    instrument: m.instrument.kind,
    gpu: m.gpu,
    measuredFits,
    overCapBytes,
    predictedFits: overCap.length === 0,
    verdictAgrees: measuredFits === (overCap.length === 0),
    peaks,
    phases,
    measuredOomPhase: oomRank?.oomPhase ?? null,
    predictedOomPhase: oomRank ? firstOver(oomRank.rank) : overCap[0] ? firstOver(overCap[0].rank) : null,
  };
};

export type InstrumentSummary = { measurements: number; peaks: number; peaksWithin: number; maxErrorBytes: number; medianErrorBytes: number; verdictAgreement: number };
/** The whole table, and the same fields for each instrument that measured something (probe, upstream). */
export type CalibrationSummary = InstrumentSummary & { byInstrument: Partial<Record<InstrumentKind, InstrumentSummary>> };

const summarize = (comparisons: readonly MeasurementComparison[]): InstrumentSummary => {
  const errors = comparisons.flatMap((c) => c.peaks.map((p) => Math.abs(p.errorBytes))).sort((a, b) => a - b);
  return {
    measurements: comparisons.length,
    peaks: errors.length,
    peaksWithin: comparisons.reduce((n, c) => n + c.peaks.filter((p) => p.isWithin).length, 0),
    maxErrorBytes: errors.at(-1) ?? 0,
    medianErrorBytes: errors[Math.floor(errors.length / 2)] ?? 0,
    verdictAgreement: comparisons.filter((c) => c.verdictAgrees).length,
  };
};

export const summarizeCalibration = (comparisons: MeasurementComparison[]): CalibrationSummary => {
  const byInstrument: CalibrationSummary["byInstrument"] = {};
  for (const kind of INSTRUMENT_KINDS) {
    const mine = comparisons.filter((c) => c.instrument === kind);
    if (mine.length > 0) byInstrument[kind] = summarize(mine);
  }
  return { ...summarize(comparisons), byInstrument };
};

/** One phase of one plan that both instruments measured: the probe, upstream and the estimate side by side. */
export type InstrumentPhaseRow = {
  probeId: string;
  upstreamId: string;
  rank: number;
  phase: Phase;
  /** What each held (nvidia-smi's view; live where the run pressed its cap) … */
  probeBytes: number;
  upstreamBytes: number;
  /** … and what was live (allocated + outside the allocator). */
  probeLiveBytes: number;
  upstreamLiveBytes: number;
  predictedBytes: number;
  /**
   * probe − upstream as the estimate is held: each instrument's need lies between its live and held bytes (PyTorch's
   * cache is the allocation history's, not the shapes'), so the error is the distance between the two intervals (0 where
   * they overlap), within the bar of upstream's held reading.
   */
  probeErrorBytes: number;
  isProbeWithin: boolean;
};

/** The plan and the cap decide what a run measures: runs of both instruments that agree on both are the same question. */
const runKey = (m: Measurement): string => JSON.stringify([comparedPlan(m), m.capBytes]);

/** Probe against upstream, phase by phase, on every plan (and cap) both measured to completion. */
export const compareInstruments = (measurements: readonly Measurement[]): InstrumentPhaseRow[] => {
  const probes = new Map(measurements.filter((m) => m.instrument.kind === "probe" && m.ranks.every((r) => r.fits === true)).map((m) => [runKey(m), m]));
  const rows: InstrumentPhaseRow[] = [];
  for (const up of measurements) {
    // a run with PyTorch's SDPA patched in for cuDNN self-attention times a kernel; it is not upstream as it ships
    if (up.instrument.kind !== "upstream" || up.selfAttention === "sdpa" || !up.ranks.every((r) => r.fits === true)) continue;
    const probe = probes.get(runKey(up));
    if (!probe) continue;
    const est = estimate(comparedPlan(up));
    for (const rank of up.ranks) {
      const probeRank = probe.ranks.find((r) => r.rank === rank.rank);
      const gpu = est.gpus[rank.rank];
      if (!probeRank || !gpu) continue;
      for (const phase of PHASES) {
        const a = rank.phases[phase];
        const b = probeRank.phases[phase];
        if (!a || !b) continue;
        const { live: upstreamLiveBytes, held: upstreamBytes } = needRange(a, up.capBytes ?? Infinity);
        const { live: probeLiveBytes, held: probeBytes } = needRange(b, probe.capBytes ?? Infinity);
        const probeErrorBytes = rangeDistance(probeLiveBytes, probeBytes, upstreamLiveBytes, upstreamBytes);
        rows.push({ probeId: probe.id, upstreamId: up.id, rank: rank.rank, phase, probeBytes, upstreamBytes, probeLiveBytes, upstreamLiveBytes, predictedBytes: predictedPhaseBytes(gpu, phase, false, "upstream"), probeErrorBytes, isProbeWithin: Math.abs(probeErrorBytes) <= allowedErrorBytes(upstreamBytes) });
      }
    }
  }
  return rows;
};

export type HostRamComparison = { id: string; instrument: InstrumentKind; rank: number; predictedBytes: number; measuredBytes: number; errorBytes: number; allowedBytes: number; isWithin: boolean };

export const allowedHostErrorBytes = (measuredBytes: number): number => Math.max(HOST_RAM_ERROR_BAR.relative * measuredBytes, HOST_RAM_ERROR_BAR.absoluteBytes);

/** The plan with num_clip set to the clips a run really made (the audio no longer caps them). */
const withClips = (plan: Plan, clips: number): Plan => ({ ...plan, params: { ...plan.params, numClip: clips, audioSeconds: null } });

/**
 * Host RAM, predicted vs the probe's peak RSS, for each rank of a run that completed: only the host terms the probe
 * reproduces (PROBE_HOST_TERM_IDS: runtime, offloaded KV caches and their copies, and the decoded frames where the run
 * kept them — compared at the clips it ran), per process. Encoders kept on the CPU and checkpoint staging are read
 * from the source: the probe's random weights are made on the device. Upstream's runs make them as users' runs do, and
 * are held to the whole phases (upstreamHostPeak).
 */
const probeHostPeak = (phases: readonly HostRamPhase[], keptFrames: boolean, processes: number): number => {
  const ids = keptFrames ? PROBE_HOST_TERM_IDS : PROBE_HOST_TERM_IDS.filter((id) => id !== "host-frames");
  // host-runtime covers every process; the KV and frame terms exist only on one GPU (single), where there is one process.
  const runTerms = phases.find((phase) => phase.phase === "run")?.terms ?? [];
  return runTerms.filter((term) => ids.includes(term.id)).reduce((sum, term) => sum + (term.id === "host-runtime" ? term.value / processes : term.value), 0);
};

/**
 * Upstream's own code builds T5 and the encoders on the CPU as a user's run does, so its peak RSS is held to the
 * larger of the whole load and run phases; only host-frames is left out (the harness does not run save_video, whose
 * copies that term counts). One process: the upstream harness runs the single-GPU script.
 */
const upstreamHostPeak = (phases: readonly HostRamPhase[]): number =>
  Math.max(...phases.map((phase) => phase.terms.filter((term) => term.id !== "host-frames").reduce((sum, term) => sum + term.value, 0)));

export const compareHostRam = (m: Measurement): HostRamComparison[] => {
  if (!m.ranks.every((rank) => rank.fits === true)) return [];
  const plan = comparedPlan(m);
  const processes = plan.hardware.count;
  const out: HostRamComparison[] = [];
  for (const rank of m.ranks) {
    const measuredBytes = rank.host?.peakRssBytes;
    if (measuredBytes === null || measuredBytes === undefined) continue;
    // Runs before probe 0.2.0 freed their one decoded clip at once: no frames term for them.
    const frames = rank.host?.frames ?? null;
    const est = estimate(frames ? withClips(plan, frames.clips) : plan);
    const predictedBytes = m.instrument.kind === "upstream" ? upstreamHostPeak(est.hostRamPhases) : probeHostPeak(est.hostRamPhases, frames !== null, processes);
    const errorBytes = predictedBytes - measuredBytes;
    const allowedBytes = allowedHostErrorBytes(measuredBytes);
    out.push({ id: m.id, instrument: m.instrument.kind, rank: rank.rank, predictedBytes, measuredBytes, errorBytes, allowedBytes, isWithin: Math.abs(errorBytes) <= allowedBytes });
  }
  return out;
};
