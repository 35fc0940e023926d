import { withScriptDefaults } from "./defaults.ts";
import { Plan, type PlanInput } from "./plan.ts";
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

/** Characters form encoding (URLSearchParams) leaves as they are: nearly every value is made only of these. */
const FORM_SAFE = /^[\w.*-]*$/;

const formPair = (name: string, value: string) => (FORM_SAFE.test(value) ? `${name}=${value}` : new URLSearchParams({ [name]: value }).toString());

/** Every field, upstream flag names as keys: a share link says exactly what was checked. Encoded as URLSearchParams
 * would, pair by pair: the feasibility API writes this into every answer. */
export const planToQuery = (plan: Plan): string => {
  const pairs: string[] = [];
  for (const field of PLAN_FIELDS) {
    const value = readPlanValue(plan, field.group, field.key);
    if (value !== null && value !== undefined) pairs.push(formPair(field.flag, String(value)));
  }
  return pairs.join("&");
};

/**
 * Flag/value pairs (a query string or CLI flags) → a resolved Plan, or the first bad field by name. A field given
 * twice: the later wins on a command line (as shells users expect), a URL refuses it (`once`: which was meant is a guess).
 */
export const planFromEntries = (entries: Entries, options: { once?: boolean } = {}): PlanParse => {
  const input: Record<string, Record<string, unknown>> = {};
  let model: string | undefined;
  const seen = new Set<string>();
  for (const [name, raw] of entries) {
    const field = findField(name);
    if (!field) return { ok: false, error: { field: name, message: "is not a known plan field" } };
    if (options.once && seen.has(field.flag)) return { ok: false, error: { field: field.flag, message: "is given more than once: give it once" } };
    seen.add(field.flag);
    const coerced = coerceField(field, raw);
    if (!coerced.ok) return { ok: false, error: { field: field.flag, message: coerced.message } };
    if (field.group === "model") model = String(coerced.value);
    else (input[field.group] ??= {})[field.key] = coerced.value;
  }
  const { custom, ...groups } = input;
  if (custom) groups.hardware = { ...groups.hardware, custom: { name: "custom GPU", bf16Tflops: 100, memoryBandwidthGbPerS: 1000, ...custom } };
  // Every value already has its field's type (coerceField), so the one schema check is on the completed plan.
  const resolved = Plan.safeParse(withScriptDefaults({ ...(model ? { model } : {}), ...groups } as PlanInput));
  if (!resolved.success) return { ok: false, error: issueToError(resolved.error.issues[0]) };
  return { ok: true, plan: resolved.data };
};

/** A query without escapes (`%`, `+`) is split as it is; URLSearchParams decodes the rest. */
const queryEntries = (query: string): Entries => {
  const bare = query.startsWith("?") ? query.slice(1) : query;
  if (bare.includes("%") || bare.includes("+")) return new URLSearchParams(bare).entries();
  const entries: [string, string][] = [];
  for (const pair of bare.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    entries.push(at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)]);
  }
  return entries;
};

export const planFromQuery = (query: string): PlanParse => planFromEntries(queryEntries(query), { once: true });

const issueToError = (issue: { path: PropertyKey[]; message: string } | undefined): PlanParseError => {
  const key = String(issue?.path.at(-1) ?? "plan");
  const field = PLAN_FIELDS.find((candidate) => candidate.key === key);
  return { field: field?.flag ?? key, message: issue?.message ?? "is invalid" };
};
