import { estimate, type Plan } from "@headroom/estimator";
import type { JobRunner } from "@headroom/db";
import { evaluate, LIVEAVATAR_RULES } from "@headroom/rules";

// A predicted out-of-memory is what a measuring run (the probe, the upstream harness) measures, so those run such
// plans; LiveAvatar itself does not.
const PROBE_MEASURES = new Set(LIVEAVATAR_RULES.filter((rule) => rule.implies === "out-of-memory").map((rule) => rule.id));

/**
 * The same evaluate() the web ran at submit, re-run on the worker: a plan with an error-level finding is refused
 * before any process starts. Returns the refusal message, or null when the plan may run.
 */
export const planRefusal = (plan: Plan, runner: JobRunner): string | null => {
  const verdict = evaluate(plan, estimate(plan));
  const errors = verdict.findings.filter((f) => f.severity === "error" && !(runner !== "liveavatar" && PROBE_MEASURES.has(f.ruleId)));
  if (errors.length === 0) return null;
  return `plan refused before it reached a GPU: ${errors.map((f) => `${f.message} [${f.ruleId}]`).join("; ")}`;
};
