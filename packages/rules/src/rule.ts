import type { Estimate, MeasuredRun, Plan, PlanPatch } from "@headroom/estimator";

export type Severity = "error" | "warning" | "info";

/**
 * Most severe last: a verdict takes the most severe status any fired rule implies. "risky" fits in memory but rests on
 * something Headroom only infers to work, or that a finding (or a measured run) says likely fails: never a green "runs".
 */
export const VERDICT_STATUSES = ["runs", "runs-slowly", "tight", "risky", "out-of-memory", "invalid"] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

export const statusRank = (status: VerdictStatus): number => VERDICT_STATUSES.indexOf(status);

export const worseStatus = (a: VerdictStatus, b: VerdictStatus): VerdictStatus =>
  statusRank(a) >= statusRank(b) ? a : b;

/** The statuses of a plan that fits in memory: what suggest() may offer. */
export const FEASIBLE_STATUSES: readonly VerdictStatus[] = ["runs", "runs-slowly", "tight", "risky"];

/** measured: the committed probe runs (data/measurements) a caller has; rules that read them are quiet without. */
export type RuleContext = { plan: Plan; estimate: Estimate; measured: readonly MeasuredRun[] };

export type Fix = { label: string; patch: PlanPatch };

/** What a check returns; the engine adds the rule's id, severity, citations and fixes. */
export type FindingDraft = {
  message: string;
  /** The Plan field to point at, e.g. ["params", "numClip"]; [] for the plan as a whole. */
  path: string[];
  /** Citations specific to this finding (an estimate note's), added after the rule's own. */
  cites?: string[];
};

export type Rule = {
  id: string;
  severity: Severity;
  family: string;
  /**
   * The verdict status a finding of this rule implies; info rules imply "runs" (no effect). "risky" marks a rule whose
   * finding says the plan likely fails though it fits (an inferred hang or crash, a measured OOM of the plan).
   */
  implies: VerdictStatus;
  /** One finding, several (one per estimate note), or none. */
  check: (ctx: RuleContext) => FindingDraft | FindingDraft[] | null;
  cites: string[];
  fixes?: (ctx: RuleContext) => Fix[];
};

export type Finding = {
  ruleId: string;
  severity: Severity;
  message: string;
  path: string[];
  cites: string[];
  fixes: Fix[];
};
