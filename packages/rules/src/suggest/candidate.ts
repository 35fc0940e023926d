import { applyPatch, estimate, type Estimate, type Plan } from "@headroom/estimator";
import { evaluate, type Verdict } from "../evaluate.ts";
import { hostRamBytes, hostRamStepGb } from "../liveavatar/host-ram.ts";
import type { Rule, VerdictStatus } from "../rule.ts";

export type Candidate = { plan: Plan; estimate: Estimate; verdict: Verdict };

const FEASIBLE: readonly VerdictStatus[] = ["runs", "runs-slowly", "tight"];

export const isFeasible = (candidate: Candidate): boolean => FEASIBLE.includes(candidate.verdict.status);

/**
 * Estimate and evaluate one plan. A plan whose only trouble is host RAM gets the next common RAM size:
 * buying RAM is a smaller step than any GPU change, and the distance weights say so. A plan that gives no
 * host RAM keeps none: its findings state the need, and no host size is invented for it.
 */
export const assess = (plan: Plan, rules: readonly Rule[]): Candidate => {
  const first = estimate(plan);
  const installed = hostRamBytes(plan);
  if (installed === null || first.hostRamBytes <= installed) return { plan, estimate: first, verdict: evaluate(plan, first, rules) };
  const roomier = applyPatch(plan, { hardware: { hostRamGb: Math.max(installed / 1e9, hostRamStepGb(first.hostRamBytes)) } });
  const second = estimate(roomier);
  return { plan: roomier, estimate: second, verdict: evaluate(roomier, second, rules) };
};
