import { applyPatch, type MeasuredRun, type Plan } from "@headroom/estimator";
import type { Rule } from "../rule.ts";
import { assess, isFeasible, type Candidate } from "./candidate.ts";

/** Invalid-plan repairs applied one at a time; the pack's layouts settle in two or three. */
const MAX_REPAIR_ROUNDS = 4;

export type Found = Candidate & { order: number };

/** The search's memory: plans already assessed (by JSON key), feasible ones found, evaluations spent. */
export type Search = {
  rules: readonly Rule[];
  measured: readonly MeasuredRun[];
  implied: Map<string, Rule["implies"]>;
  /** By the plan's JSON; finalKey is the plan after the host-RAM step (usually the same). */
  assessed: Map<string, { candidate: Candidate; finalKey: string }>;
  found: Map<string, Found>;
  evaluations: number;
  maxEvaluations: number;
};

export const createSearch = (rules: readonly Rule[], maxEvaluations: number, measured: readonly MeasuredRun[] = []): Search => ({
  rules,
  measured,
  implied: new Map(rules.map((rule) => [rule.id, rule.implies])),
  assessed: new Map(),
  found: new Map(),
  evaluations: 0,
  maxEvaluations,
});

export const isExhausted = (search: Search): boolean => search.evaluations >= search.maxEvaluations;

/** Assess a plan once; remember it as found when it fits and is a real suggestion (not the probe). */
export const tryPlan = (search: Search, plan: Plan, isSuggestion = true): Candidate | null => {
  const key = JSON.stringify(plan);
  let entry = search.assessed.get(key);
  if (!entry) {
    if (isExhausted(search)) return null;
    search.evaluations++;
    const candidate = assess(plan, search.rules, search.measured);
    entry = { candidate, finalKey: candidate.plan === plan ? key : JSON.stringify(candidate.plan) };
    search.assessed.set(key, entry);
  }
  const { candidate, finalKey } = entry;
  if (isSuggestion && isFeasible(candidate) && !search.found.has(finalKey)) search.found.set(finalKey, { ...candidate, order: search.found.size });
  return candidate;
};

/** Apply the first fix of the first finding that makes the plan invalid, until none does. */
export const repair = (search: Search, plan: Plan): Candidate | null => {
  let current = tryPlan(search, plan);
  for (let round = 0; current && current.verdict.status === "invalid" && round < MAX_REPAIR_ROUNDS; round++) {
    const finding = current.verdict.findings.find((f) => search.implied.get(f.ruleId) === "invalid" && f.fixes.length > 0);
    const fix = finding?.fixes[0];
    if (!fix) return null;
    current = tryPlan(search, applyPatch(current.plan, fix.patch));
  }
  return current && current.verdict.status !== "invalid" ? current : null;
};

