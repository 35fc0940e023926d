import { buildContext } from "./estimate-context.ts";
import type { Estimate, GpuEstimate, GpuRole, Phase, PhaseMemory } from "./estimate-types.ts";
import { buildTermSet, phaseMemory } from "./gpu-memory.ts";
import { hostRamTerms, sumBytes } from "./host-ram.ts";
import { reportNotes } from "./report-notes.ts";
import type { Plan } from "./plan.ts";
import { ERROR_BAR } from "./error-bar.ts";
import { estimateSpeed } from "./throughput.ts";

export const ESTIMATOR_VERSION = "0.1.0";


const roleOf = (plan: Plan, rank: number): GpuRole => {
  if (plan.parallel.mode === "single") return rank === 0 ? "single" : "idle";
  const ditRanks = Math.min(plan.parallel.numGpusDit, plan.hardware.count);
  if (rank < ditRanks) return "dit";
  if (rank === ditRanks && plan.parallel.enableVaeParallel) return "vae";
  return "idle";
};

/** A total function: any Plan that parses gets an Estimate; invalid combinations are the rules' business. */
export const estimate = (plan: Plan): Estimate => {
  const ctx = buildContext(plan);
  const gpus: GpuEstimate[] = [];
  const termSet = buildTermSet(ctx);
  const byRole = new Map<GpuRole, ReturnType<typeof phaseMemory>>();
  const sharedPhases = new Map<Phase, PhaseMemory>();
  for (let rank = 0; rank < plan.hardware.count; rank++) {
    const role = roleOf(plan, rank);
    const phases = byRole.get(role) ?? phaseMemory(ctx, termSet, role, sharedPhases);
    byRole.set(role, phases);
    let peak = phases[0]!;
    for (const phase of phases) if (phase.totalBytes > peak.totalBytes) peak = phase;
    gpus.push({ rank, role, phases, peakBytes: peak.totalBytes, peakPhase: peak.phase, usableBytes: ctx.gpu.usableBytes, marginBytes: ctx.gpu.usableBytes - peak.totalBytes });
  }
  let worstRank = 0;
  for (const gpu of gpus) if (gpu.marginBytes < gpus[worstRank]!.marginBytes) worstRank = gpu.rank;
  const speed = estimateSpeed(ctx);
  const hostTerms = hostRamTerms(ctx, speed.clips);
  const result: Estimate = {
    estimatorVersion: ESTIMATOR_VERSION,
    gpus,
    worstRank,
    hostRamBytes: sumBytes(hostTerms),
    hostRamTerms: hostTerms,
    speed,
    notes: [],
    errorBar: ERROR_BAR,
  };
  result.notes = reportNotes(ctx, result);
  return result;
};
