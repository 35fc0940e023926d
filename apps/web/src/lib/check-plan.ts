import { estimate, type Estimate, type MeasuredRun, type Plan } from "@headroom/estimator";
import { evaluate, type Verdict } from "@headroom/rules";

export type Check = { estimate: Estimate; verdict: Verdict };

/**
 * The same answer in the browser (every keystroke), on the server (first render, share, submit) and in tests.
 * measured: the committed probe runs (server: getMeasuredRuns()); a run that measured this plan out of memory makes it risky.
 */
export const checkPlan = (plan: Plan, measured: readonly MeasuredRun[] = []): Check => {
  const est = estimate(plan);
  return { estimate: est, verdict: evaluate(plan, est, undefined, measured) };
};
