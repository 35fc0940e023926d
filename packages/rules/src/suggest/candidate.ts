import { applyPatch, estimate, type Estimate, type MeasuredRun, type Plan } from "@headroom/estimator";
import { evaluate, type Verdict } from "../evaluate.ts";
import { hostRamBytes, hostRamStepGb } from "../liveavatar/host-ram.ts";
import { FEASIBLE_STATUSES, type Rule } from "../rule.ts";

export type Candidate = { plan: Plan; estimate: Estimate; verdict: Verdict };

export const isFeasible = (candidate: Candidate): boolean => FEASIBLE_STATUSES.includes(candidate.verdict.status);

/**
 * Estimate and evaluate one plan. A plan whose only trouble is host RAM gets the next common RAM size:
 * buying RAM is a smaller step than any GPU change, and the distance weights say so. A plan that gives no
 * host RAM keeps none: its findings state the need, and no host size is invented for it.
 */
export const assess = (plan: Plan, rules: readonly Rule[], measured: readonly MeasuredRun[] = []): Candidate => {
  const first = estimate(plan);
  const installed = hostRamBytes(plan);
  if (installed === null || first.hostRamBytes <= installed) return { plan, estimate: first, verdict: evaluate(plan, first, rules, measured) };
  const roomier = applyPatch(plan, { hardware: { hostRamGb: Math.max(installed / 1e9, hostRamStepGb(first.hostRamBytes)) } });
  const second = estimate(roomier);
  return { plan: roomier, estimate: second, verdict: evaluate(roomier, second, rules, measured) };
};
