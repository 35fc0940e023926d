import { applyPatch, estimate, type Estimate, type MeasuredRun, type Plan, type PlanPatch } from "@headroom/estimator";
import { evaluate, type Verdict } from "./evaluate.ts";
import { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
import type { Rule } from "./rule.ts";
import { hardwareBases } from "./suggest/bases.ts";
import type { Candidate } from "./suggest/candidate.ts";
import { isNearestCandidate, pickSuggestions, type SuggestionGroup, type SuggestionTag } from "./suggest/pick.ts";
import { exploreOtherHardware, exploreOwnHardware } from "./suggest/explore.ts";
import { createSearch, isExhausted } from "./suggest/search.ts";

export { SUGGESTION_GROUPS, type SuggestionGroup, type SuggestionTag } from "./suggest/pick.ts";

export type Suggestion = {
  plan: Plan;
  patch: PlanPatch;
  /** Every change, in upstream flag names: "offload_kv_cache: false → true", "count: 5 → 1". */
  changes: string[];
  /** The hardware among them, in words: "GPU count 5 → 1", "host RAM raised from 128 GB to 192 GB (178.8 GiB)". */
  hardwareChanges: string[];
  /** The flags among them (everything but hardware), as in `changes`. */
  flagChanges: string[];
  /** Flags only, or other hardware (a GPU model or count, host RAM, a link): said aloud, never silently. */
  group: SuggestionGroup;
  /** The whole run's rental cost per minute of video (gpu-prices.ts); null where the GPU has no price. */
  dollarsPerVideoMinute: number | null;
  estimate: Estimate;
  verdict: Verdict;
  /** 1 = nearest of every feasible plan found (weighted changed fields, then fps). */
  rank: number;
  /** Weighted count of changed fields: 1 per flag, 10 for the GPU count, 100 for the GPU model. */
  distance: number;
  tags: SuggestionTag[];
};

export type SuggestOptions = {
  /** Nearest suggestions to return; "fastest" and "cheapest" may add one each. */
  limit?: number;
  rules?: readonly Rule[];
  /** Estimates the search may spend in all; it runs on every keystroke. */
  maxEvaluations?: number;
  /** The committed probe runs: a suggestion a run of it measured out of memory is "risky". */
  measured?: readonly MeasuredRun[];
};

const DEFAULT_LIMIT = 5;
const DEFAULT_MAX_EVALUATIONS = 240;
/** The plan's own hardware gets the widest search: that is where the nearest plans are. */
const OWN_HARDWARE_EVALUATIONS = 120;

/** The nearest plans that run, plus the fastest and the cheapest found; deterministic for a given plan. */
export const suggest = (plan: Plan, options: SuggestOptions = {}): Suggestion[] => {
  const rules = options.rules ?? LIVEAVATAR_RULES;
  const measured = options.measured ?? [];
  const search = createSearch(rules, options.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS, measured);
  const status = evaluate(plan, estimate(plan), rules, measured).status;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const own = { enough: limit, maxEvaluations: OWN_HARDWARE_EVALUATIONS, isUseful: (candidate: Candidate) => isNearestCandidate(status, candidate.verdict.status) };
  // Memory does not depend on the GPU model: what fits one GPU at a count fits every larger one there.
  const keptAt = new Map<number, string[]>();
  hardwareBases(plan).forEach((patch, index) => {
    if (isExhausted(search)) return;
    const base = applyPatch(plan, patch);
    if (index === 0) {
      exploreOwnHardware(search, base, own);
      return;
    }
    const { keptLeverIds } = exploreOtherHardware(search, base, keptAt.get(base.hardware.count) ?? null);
    if (keptLeverIds) keptAt.set(base.hardware.count, keptLeverIds);
  });
  return pickSuggestions(plan, status, search.found.values(), limit).map(
    ({ plan: suggested, patch, changes, hardwareChanges, flagChanges, group, dollarsPerVideoMinute, estimate: est, verdict, rank, distance, tags }) =>
      ({ plan: suggested, patch, changes, hardwareChanges, flagChanges, group, dollarsPerVideoMinute, estimate: est, verdict, rank, distance, tags }),
  );
};
