import { formatGbInput, PLAN_FIELDS, type Plan, type PlanPatch } from "@headroom/estimator";

type Group = "params" | "parallel" | "hardware";

/** How far a change moves the user: flags are cheap, more RAM costs a purchase, GPUs cost most. */
export const FIELD_WEIGHTS: Record<string, number> = {
  "hardware.gpu": 100,
  "hardware.count": 10,
  "hardware.hostRamGb": 5,
  "hardware.hostLink": 5,
  "hardware.gpuTopology": 5,
  // Follows a change of hardware.gpu, which already carries the weight.
  "hardware.custom": 0,
};
const DEFAULT_WEIGHT = 1;

const DIFFED = PLAN_FIELDS.filter((field) => field.group === "params" || field.group === "parallel" || field.group === "hardware")
  .map((field) => ({ group: field.group as Group, key: field.key, flag: field.flag }))
  .concat([{ group: "hardware", key: "custom", flag: "custom_gpu" }]);

const read = (plan: Plan, group: Group, key: string): unknown => (plan[group] as Record<string, unknown>)[key];

const show = (value: unknown): string => (value === null ? "none" : typeof value === "object" ? ((value as { name?: string }).name ?? "custom") : String(value));

/** A change of hardware in words, so a suggestion that buys or rents something says so. */
const HARDWARE_PHRASES: Record<string, (before: unknown, after: unknown) => string> = {
  gpu: (before, after) => `GPU model ${show(before)} → ${show(after)}`,
  count: (before, after) => `GPU count ${show(before)} → ${show(after)}`,
  hostRamGb: (before, after) =>
    typeof after !== "number" ? "host RAM left unstated"
    : typeof before !== "number" ? `host RAM set to ${formatGbInput(after)}`
    : `host RAM ${after > before ? "raised" : "lowered"} from ${before} GB to ${formatGbInput(after)}`,
  hostLink: (before, after) => `PCIe link ${show(before)} → ${show(after)}`,
  gpuTopology: (before, after) => `GPU topology ${show(before)} → ${show(after)}`,
};

/**
 * changes: every changed field in flag names; hardwareChanges: the hardware among them in words ("GPU count 5 → 1",
 * "host RAM raised from 128 GB to 192 GB (178.8 GiB)"); [] means the suggestion changes flags only; flagChanges: the rest.
 */
export type PlanDiff = { patch: PlanPatch; changes: string[]; hardwareChanges: string[]; flagChanges: string[]; distance: number };

/** The patch that turns `from` into `to`, what it says in flag names, and how far it moves the user. */
export const diffPlans = (from: Plan, to: Plan): PlanDiff => {
  const patch: Record<Group, Record<string, unknown>> = { params: {}, parallel: {}, hardware: {} };
  const changes: string[] = [];
  const hardwareChanges: string[] = [];
  const flagChanges: string[] = [];
  let distance = 0;
  for (const { group, key, flag } of DIFFED) {
    const before = read(from, group, key);
    const after = read(to, group, key);
    if (before === after || JSON.stringify(before) === JSON.stringify(after)) continue;
    patch[group][key] = after;
    distance += FIELD_WEIGHTS[`${group}.${key}`] ?? DEFAULT_WEIGHT;
    if (key !== "custom") changes.push(`${flag}: ${show(before)} → ${show(after)}`);
    if (group !== "hardware") flagChanges.push(`${flag}: ${show(before)} → ${show(after)}`);
    const phrase = group === "hardware" ? HARDWARE_PHRASES[key] : undefined;
    if (phrase) hardwareChanges.push(phrase(before, after));
  }
  const compact: PlanPatch = {};
  for (const group of ["params", "parallel", "hardware"] as const) {
    if (Object.keys(patch[group]).length > 0) Object.assign(compact, { [group]: patch[group] });
  }
  return { patch: compact, changes, hardwareChanges, flagChanges, distance };
};
