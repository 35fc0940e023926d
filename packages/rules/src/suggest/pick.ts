import { dollarsPerVideoMinute, type Plan } from "@headroom/estimator";
import { FEASIBLE_STATUSES, statusRank, type VerdictStatus } from "../rule.ts";
import { diffPlans, type PlanDiff } from "./plan-diff.ts";
import type { Found } from "./search.ts";

export type SuggestionTag = "nearest" | "fastest" | "cheapest";
/** "same-hardware": flags only; "different-hardware": another GPU model or count, more host RAM, another link. */
export type SuggestionGroup = "same-hardware" | "different-hardware";
export const SUGGESTION_GROUPS: readonly SuggestionGroup[] = ["same-hardware", "different-hardware"];

export type Ranked = Found & PlanDiff & { rank: number; tags: SuggestionTag[]; group: SuggestionGroup; dollarsPerVideoMinute: number | null };

/** A warning (an inferred hang or crash, a non-upstream patch) weighs like two changed parameters. */
export const WARNING_DISTANCE = 2;
const withRisk = (candidate: Ranked): Ranked => ({
  ...candidate,
  distance: candidate.distance + WARNING_DISTANCE * candidate.verdict.findings.filter((finding) => finding.severity === "warning").length,
});

/** Plans without a risky finding come first in every order: a risky plan is offered only after the safe ones. */
const byRisk = (a: Ranked, b: Ranked): number => Number(a.verdict.status === "risky") - Number(b.verdict.status === "risky");
const byNearest = (a: Ranked, b: Ranked): number =>
  byRisk(a, b) || a.distance - b.distance || b.estimate.speed.fps - a.estimate.speed.fps || a.order - b.order;
const byFastest = (a: Ranked, b: Ranked): number => byRisk(a, b) || b.estimate.speed.fps - a.estimate.speed.fps || byNearest(a, b);
const byCheapest = (a: Ranked, b: Ranked): number =>
  byRisk(a, b) || (a.dollarsPerVideoMinute ?? Infinity) - (b.dollarsPerVideoMinute ?? Infinity) || byNearest(a, b);

/** Which tag goes to which plan, and who may hold it: "cheapest" needs a price (gpu-prices.ts), no price no tag. */
const AWARDS: readonly { tag: SuggestionTag; order: (a: Ranked, b: Ranked) => number; isEligible: (candidate: Ranked) => boolean }[] = [
  { tag: "fastest", order: byFastest, isEligible: () => true },
  { tag: "cheapest", order: byCheapest, isEligible: (candidate) => candidate.dollarsPerVideoMinute !== null },
];

/** A "nearest" plan must fit; when the plan itself fits, it must fit better. */
export const isNearestCandidate = (original: VerdictStatus, candidate: VerdictStatus): boolean =>
  FEASIBLE_STATUSES.includes(candidate) && (!FEASIBLE_STATUSES.includes(original) || statusRank(candidate) < statusRank(original));

const ranked = (plan: Plan, candidate: Found): Ranked => {
  const diff = diffPlans(plan, candidate.plan);
  return withRisk({
    ...candidate,
    ...diff,
    rank: 0,
    tags: [],
    group: diff.hardwareChanges.length === 0 ? "same-hardware" : "different-hardware",
    dollarsPerVideoMinute: dollarsPerVideoMinute(candidate.plan, candidate.estimate.speed),
  });
};

/**
 * Nearest first (up to `limit` safe plans and the nearest risky one), then the fastest and the cheapest feasible plan if not already listed; plans without
 * risky findings before risky ones. Listed by group (flags only, then other hardware), nearest first within each.
 * When the plan itself fits, "nearest" means a better status; the plan itself is never suggested.
 */
export const pickSuggestions = (plan: Plan, status: VerdictStatus, found: Iterable<Found>, limit: number): Ranked[] => {
  const all: Ranked[] = [...found].map((candidate) => ranked(plan, candidate)).sort(byNearest);
  // The plan itself competes for fastest and cheapest, but is never suggested.
  const isOriginal = (candidate: Ranked): boolean => candidate.changes.length === 0;
  all.filter((candidate) => !isOriginal(candidate)).forEach((candidate, index) => (candidate.rank = index + 1));
  const nearer = all.filter((candidate) => !isOriginal(candidate) && isNearestCandidate(status, candidate.verdict.status));
  // Up to `limit` safe plans, and the nearest risky one after them: shown with its risk, never in a safe plan's place.
  const safe = nearer.filter((candidate) => candidate.verdict.status !== "risky").slice(0, limit);
  const risky = nearer.find((candidate) => candidate.verdict.status === "risky");
  const nearest = risky ? [...safe, risky] : safe;
  const chosen = new Set<Ranked>(nearest);
  nearest.forEach((candidate) => candidate.tags.push("nearest"));
  for (const { tag, order, isEligible } of AWARDS) {
    const best = all.filter(isEligible).sort(order)[0];
    if (!best || isOriginal(best)) continue;
    best.tags.push(tag);
    chosen.add(best);
  }
  return [...chosen].sort((a, b) => SUGGESTION_GROUPS.indexOf(a.group) - SUGGESTION_GROUPS.indexOf(b.group) || a.rank - b.rank);
};
