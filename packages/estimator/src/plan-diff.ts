import type { Plan } from "./plan.ts";
import { PLAN_FIELDS } from "./plan-fields.ts";
import { readPlanValue } from "./plan-query.ts";

/** One field where another plan (a measured run) differs from this one, by its flag name. */
export type PlanDifference = { flag: string; value: string; current: string };

const show = (value: unknown): string => (value === null || value === undefined ? "—" : String(value));

/** The fields of `other` that differ from `plan`, in PLAN_FIELDS order (the order every form and query uses). */
export const planDifferences = (plan: Plan, other: Plan): PlanDifference[] =>
  PLAN_FIELDS.flatMap((field) => {
    const current = show(readPlanValue(plan, field.group, field.key));
    const value = show(readPlanValue(other, field.group, field.key));
    return value === current ? [] : [{ flag: field.flag, value, current }];
  });
