import { applyPatch, type Plan } from "@headroom/estimator";
import { isFeasible, type Candidate } from "./candidate.ts";
import { combinations, leversFor, mergePatches, probePatch, type Lever } from "./levers.ts";
import { repair, tryPlan, type Search } from "./search.ts";

/** Up to four levers at once (one 24 GB card needs size, KV offload, T5 on CPU and the loader patch together). */
const MAX_LEVERS = 4;

const withLevers = (plan: Plan, levers: readonly Lever[]): Plan => applyPatch(plan, mergePatches(levers.map((lever) => lever.patch)));

const isSuperset = (combo: number[], of: number[]): boolean => of.every((i) => combo.includes(i));

/** How a hardware base turned out: "out-of-memory" means even every VRAM lever at once does not fit. */
export type BaseOutcome = "fits" | "out-of-memory" | "invalid";

/** Repair the base, then rule it out in one estimate when even the probe (every VRAM lever) does not fit. */
const start = (search: Search, basePlan: Plan): { base: Candidate; levers: Lever[] } | BaseOutcome => {
  const base = repair(search, basePlan);
  if (!base) return "invalid";
  const levers = leversFor(base.plan);
  if (isFeasible(base)) return { base, levers };
  const probe = tryPlan(search, applyPatch(base.plan, probePatch(levers)), false);
  return probe && isFeasible(probe) ? { base, levers } : "out-of-memory";
};

export type OwnHardwareLimits = {
  /** Stop after the first lever count (1, 2, 3) that yields this many useful plans: the rest are farther. */
  enough: number;
  maxEvaluations: number;
  isUseful: (candidate: Candidate) => boolean;
};

/**
 * The plan's own hardware: combinations of up to three levers, fewest first, in lever order, within a budget.
 * Fallback levers (fewer frames) only when nothing else fits.
 */
export const exploreOwnHardware = (search: Search, basePlan: Plan, limits: OwnHardwareLimits): BaseOutcome => {
  const started = start(search, basePlan);
  if (typeof started === "string") return started;
  const { base, levers } = started;
  if (base.verdict.status === "runs") return "fits";
  const stopAt = search.evaluations + limits.maxEvaluations;
  const tryCombos = (accept: (chosen: Lever[]) => boolean): number => {
    const winners: number[][] = [];
    let useful = 0;
    let size = 1;
    for (const combo of combinations(levers, MAX_LEVERS)) {
      if (combo.length > size) {
        if (useful >= limits.enough) break;
        size = combo.length;
      }
      const chosen = combo.map((i) => levers[i]).filter((lever): lever is Lever => lever !== undefined);
      // A superset of a useful plan is farther away; nearest plans are minimal lever sets.
      if (!accept(chosen) || winners.some((winner) => isSuperset(combo, winner))) continue;
      if (search.evaluations >= stopAt) break;
      const candidate = tryPlan(search, withLevers(base.plan, chosen));
      if (!candidate) break;
      if (!limits.isUseful(candidate)) continue;
      useful++;
      winners.push(combo);
    }
    return useful;
  };
  const useful = tryCombos((chosen) => chosen.every((lever) => !lever.isFallback));
  if (useful === 0 && !isFeasible(base)) tryCombos((chosen) => chosen.some((lever) => lever.isFallback));
  return "fits";
};

export type OtherHardwareResult = { outcome: BaseOutcome; keptLeverIds: string[] | null };

/**
 * Other hardware only needs one good plan to compete as fastest or cheapest: start from the probe (or from the
 * levers a smaller GPU needed at this count) and drop levers from the last back while it still fits.
 */
export const exploreOtherHardware = (search: Search, basePlan: Plan, hint: readonly string[] | null): OtherHardwareResult => {
  const started = start(search, basePlan);
  if (typeof started === "string") return { outcome: started, keptLeverIds: null };
  const { base } = started;
  if (isFeasible(base)) return { outcome: "fits", keptLeverIds: [] };
  const probeLevers = started.levers.filter((lever) => lever.isProbe);
  const hinted = hint ? probeLevers.filter((lever) => hint.includes(lever.id)) : null;
  const fromHint = hinted ? tryPlan(search, withLevers(base.plan, hinted), false) : null;
  let kept = hinted && fromHint && isFeasible(fromHint) ? hinted : probeLevers;
  for (const lever of [...kept].reverse()) {
    const without = kept.filter((other) => other !== lever);
    const candidate = tryPlan(search, withLevers(base.plan, without), false);
    if (candidate && isFeasible(candidate)) kept = without;
  }
  const fields = new Set(kept.map((lever) => lever.field));
  if (fields.size <= MAX_LEVERS) tryPlan(search, withLevers(base.plan, kept));
  return { outcome: "fits", keptLeverIds: kept.map((lever) => lever.id) };
};
