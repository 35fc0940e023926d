import type { VerdictStatus } from "./rule.ts";

/** How a verdict lets speed be shown: a plan that cannot run has no speed, one that runs out of memory only a hypothetical one. */
export type SpeedShown = "range" | "if-it-fit" | "hidden";

/** Statuses not listed (runs, runs-slowly, tight, and any added later) show their range. */
const SPEED_SHOWN: Partial<Record<VerdictStatus, SpeedShown>> = {
  "out-of-memory": "if-it-fit",
  invalid: "hidden",
};

export const speedShownAs = (status: string): SpeedShown => SPEED_SHOWN[status as VerdictStatus] ?? "range";
