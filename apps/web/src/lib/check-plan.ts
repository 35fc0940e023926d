import { estimate, type Estimate, type Plan } from "@headroom/estimator";
import { evaluate, type Verdict } from "@headroom/rules";

export type Check = { estimate: Estimate; verdict: Verdict };

/** The same answer in the browser (every keystroke), on the server (first render, share, submit) and in tests. */
export const checkPlan = (plan: Plan): Check => {
  const est = estimate(plan);
  return { estimate: est, verdict: evaluate(plan, est) };
};
