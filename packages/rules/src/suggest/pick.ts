import { GPU_CATALOG, isGpuId, type Plan } from "@headroom/estimator";
import { statusRank, type VerdictStatus } from "../rule.ts";
import { diffPlans, type PlanDiff } from "./plan-diff.ts";
import type { Found } from "./search.ts";

export type SuggestionTag = "nearest" | "fastest" | "cheapest";
export type Ranked = Found & PlanDiff & { rank: number; tags: SuggestionTag[] };

/** What the hardware costs to buy; a custom GPU has no price and never wins "cheapest". */
export const hardwarePriceUsd = (plan: Plan): number =>
  isGpuId(plan.hardware.gpu) ? GPU_CATALOG[plan.hardware.gpu].priceUsd * plan.hardware.count : Infinity;

/** A warning (an inferred hang or crash, a non-upstream patch) weighs like two changed parameters. */
export const WARNING_DISTANCE = 2;
const withRisk = (candidate: Ranked): Ranked => ({
  ...candidate,
  distance: candidate.distance + WARNING_DISTANCE * candidate.verdict.findings.filter((finding) => finding.severity === "warning").length,
});

const byNearest = (a: Ranked, b: Ranked): number => a.distance - b.distance || b.estimate.speed.fps - a.estimate.speed.fps || a.order - b.order;
const byFastest = (a: Ranked, b: Ranked): number => b.estimate.speed.fps - a.estimate.speed.fps || byNearest(a, b);
const byCheapest = (a: Ranked, b: Ranked): number => hardwarePriceUsd(a.plan) - hardwarePriceUsd(b.plan) || byNearest(a, b);

const FEASIBLE: readonly VerdictStatus[] = ["runs", "runs-slowly", "tight"];

/** A "nearest" plan must fit; when the plan itself fits, it must fit better. */
export const isNearestCandidate = (original: VerdictStatus, candidate: VerdictStatus): boolean =>
  FEASIBLE.includes(candidate) && (!FEASIBLE.includes(original) || statusRank(candidate) < statusRank(original));

/**
 * Nearest first (up to `limit`), then the fastest and the cheapest feasible plan if not already listed.
 * When the plan itself fits, "nearest" means a better status; the plan itself is never suggested.
 */
export const pickSuggestions = (plan: Plan, status: VerdictStatus, found: Iterable<Found>, limit: number): Ranked[] => {
  const all: Ranked[] = [...found]
    .map((candidate) => withRisk({ ...candidate, ...diffPlans(plan, candidate.plan), rank: 0, tags: [] }))
    .sort(byNearest);
  // The plan itself competes for fastest and cheapest, but is never suggested.
  const isOriginal = (candidate: Ranked): boolean => candidate.changes.length === 0;
  all.filter((candidate) => !isOriginal(candidate)).forEach((candidate, index) => (candidate.rank = index + 1));
  const nearest = all.filter((candidate) => !isOriginal(candidate) && isNearestCandidate(status, candidate.verdict.status)).slice(0, limit);
  const chosen = new Set<Ranked>(nearest);
  nearest.forEach((candidate) => candidate.tags.push("nearest"));
  for (const [tag, order] of [["fastest", byFastest], ["cheapest", byCheapest]] as const) {
    const best = [...all].sort(order)[0];
    if (!best || isOriginal(best)) continue;
    best.tags.push(tag);
    chosen.add(best);
  }
  return [...chosen].sort((a, b) => a.rank - b.rank);
};
