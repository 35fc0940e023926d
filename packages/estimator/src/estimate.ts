import { buildContext } from "./estimate-context.ts";
import type { Estimate, GpuEstimate, GpuRole, PhaseMemory } from "./estimate-types.ts";
import { buildTermSet, phaseMemory } from "./gpu-memory.ts";
import { hostRamPhases } from "./host-ram.ts";
import { reportNotes } from "./report-notes.ts";
import type { Plan } from "./plan.ts";
import { ERROR_BAR } from "./error-bar.ts";
import { estimateSpeed } from "./throughput.ts";
import { EXAMPLE_IMAGE_SIZE } from "./frame.ts";

export const ESTIMATOR_VERSION = "0.2.1";


const roleOf = (plan: Plan, rank: number): GpuRole => {
  if (plan.parallel.mode === "single") return rank === 0 ? "single" : "idle";
  const ditRanks = Math.min(plan.parallel.numGpusDit, plan.hardware.count);
  if (rank < ditRanks) return "dit";
  if (rank === ditRanks && plan.parallel.enableVaeParallel) return "vae";
  return "idle";
};

/** The phase with the most bytes; the first of equals. */
const peakOf = (phases: PhaseMemory[]): PhaseMemory => {
  let peak = phases[0]!;
  for (const phase of phases) if (phase.totalBytes > peak.totalBytes) peak = phase;
  return peak;
};

/** A total function: any Plan that parses gets an Estimate; invalid combinations are the rules' business. */
export const estimate = (plan: Plan): Estimate => {
  const ctx = buildContext(plan);
  const gpus: GpuEstimate[] = [];
  const termSet = buildTermSet(ctx);
  // roleOf hands out roles in runs (DiT ranks, the VAE rank, idle ranks): every rank of a run holds the same phases.
  let role: GpuRole | null = null;
  let phases: PhaseMemory[] = [];
  let peak: PhaseMemory | null = null;
  let ditPhases: PhaseMemory[] | undefined;
  for (let rank = 0; rank < plan.hardware.count; rank++) {
    const rankRole = roleOf(plan, rank);
    if (peak === null || rankRole !== role) {
      role = rankRole;
      phases = phaseMemory(ctx, termSet, rankRole, rankRole === "vae" ? ditPhases : undefined);
      if (rankRole === "dit") ditPhases = phases;
      peak = peakOf(phases);
    }
    gpus.push({ rank, role: rankRole, phases, peakBytes: peak.totalBytes, peakPhase: peak.phase, usableBytes: ctx.gpu.usableBytes, marginBytes: ctx.gpu.usableBytes - peak.totalBytes });
  }
  let worstRank = 0;
  for (const gpu of gpus) if (gpu.marginBytes < gpus[worstRank]!.marginBytes) worstRank = gpu.rank;
  const speed = estimateSpeed(ctx);
  const hostPhases = hostRamPhases(ctx, speed.clips);
  const hostPeak = hostPhases[0]!.bytes > hostPhases[1]!.bytes ? hostPhases[0]! : hostPhases[1]!;
  const result: Estimate = {
    estimatorVersion: ESTIMATOR_VERSION,
    frame: {
      width: ctx.frame.width,
      height: ctx.frame.height,
      imageSize: plan.params.imageSize ?? EXAMPLE_IMAGE_SIZE,
      isAssumedImage: plan.params.imageSize === null,
      audioSeconds: ctx.audioSeconds,
      isAssumedAudio: plan.params.audioSeconds === null,
    },
    gpus,
    worstRank,
    hostRamBytes: hostPeak.bytes,
    hostRamTerms: hostPeak.terms,
    hostRamPeakPhase: hostPeak.phase,
    hostRamPhases: hostPhases,
    speed,
    notes: [],
    errorBar: ERROR_BAR,
  };
  result.notes = reportNotes(ctx, result);
  return result;
};
