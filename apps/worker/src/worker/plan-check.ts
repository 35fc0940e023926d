import { estimate, type Plan } from "@headroom/estimator";
import type { JobRunner } from "@headroom/db";
import { evaluate, jobRefusals } from "@headroom/rules";

/**
 * The web's submit-time answer (`jobRefusals`), asked again on the worker before any process starts: the plan may
 * have been queued by an older web, or the rules may have changed since. Returns the refusal message, or null.
 */
export const planRefusal = (plan: Plan, runner: JobRunner): string | null => {
  const refusals = jobRefusals(evaluate(plan, estimate(plan)), runner);
  if (refusals.length === 0) return null;
  return `plan refused before it reached a GPU: ${refusals.map((f) => `${f.message} [${f.ruleId}]`).join("; ")}`;
};
