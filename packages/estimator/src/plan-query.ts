import { withScriptDefaults } from "./defaults.ts";
import { Plan, PlanInput } from "./plan.ts";
import { PLAN_FIELDS, coerceField, findField } from "./plan-fields.ts";

type Entries = Iterable<readonly [string, string]>;

export type PlanParseError = { field: string; message: string };
export type PlanParse = { ok: true; plan: Plan } | { ok: false; error: PlanParseError };

/** A Plan field's value, addressed the way PLAN_FIELDS names it (group and key). */
export const readPlanValue = (plan: Plan, group: string, key: string): unknown => {
  if (group === "model") return plan.model;
  if (group === "custom") return plan.hardware.custom?.[key as keyof NonNullable<Plan["hardware"]["custom"]>];
  return (plan[group as "params"] as Record<string, unknown>)[key];
};

/** Every field, upstream flag names as keys: a share link says exactly what was checked. */
export const planToQuery = (plan: Plan): string => {
  const query = new URLSearchParams();
  for (const field of PLAN_FIELDS) {
    const value = readPlanValue(plan, field.group, field.key);
    if (value !== null && value !== undefined) query.set(field.flag, String(value));
  }
  return query.toString();
};

/** Flag/value pairs (a query string or CLI flags) → a resolved Plan, or the first bad field by name. */
export const planFromEntries = (entries: Entries): PlanParse => {
  const input: Record<string, Record<string, unknown>> = {};
  let model: string | undefined;
  for (const [name, raw] of entries) {
    const field = findField(name);
    if (!field) return { ok: false, error: { field: name, message: "is not a known plan field" } };
    const coerced = coerceField(field, raw);
    if (!coerced.ok) return { ok: false, error: { field: field.flag, message: coerced.message } };
    if (field.group === "model") model = String(coerced.value);
    else (input[field.group] ??= {})[field.key] = coerced.value;
  }
  const { custom, ...groups } = input;
  if (custom) groups.hardware = { ...groups.hardware, custom: { name: "custom GPU", bf16Tflops: 100, memoryBandwidthGbPerS: 1000, ...custom } };
  const parsed = PlanInput.safeParse({ ...(model ? { model } : {}), ...groups });
  if (!parsed.success) return { ok: false, error: issueToError(parsed.error.issues[0]) };
  const resolved = Plan.safeParse(withScriptDefaults(parsed.data));
  if (!resolved.success) return { ok: false, error: issueToError(resolved.error.issues[0]) };
  return { ok: true, plan: resolved.data };
};

export const planFromQuery = (query: string): PlanParse => planFromEntries(new URLSearchParams(query).entries());

const issueToError = (issue: { path: PropertyKey[]; message: string } | undefined): PlanParseError => {
  const key = String(issue?.path.at(-1) ?? "plan");
  const field = PLAN_FIELDS.find((candidate) => candidate.key === key);
  return { field: field?.flag ?? key, message: issue?.message ?? "is invalid" };
};
