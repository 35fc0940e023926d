import { formatFpsRange, formatGib, type Estimate, type MeasuredRun, type Plan } from "@headroom/estimator";
import { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
import { worseStatus, type Finding, type FindingDraft, type Rule, type RuleContext, type Severity, type VerdictStatus } from "./rule.ts";

export type Verdict = { status: VerdictStatus; findings: Finding[]; headline: string };

const STATUS_LABEL: Record<VerdictStatus, string> = {
  runs: "Runs",
  "runs-slowly": "Runs slowly",
  tight: "Tight",
  risky: "Risky",
  "out-of-memory": "Out of memory",
  invalid: "Invalid",
};

/** The rule's citations, then the draft's, each once; a loop because the lists hold a handful of strings. */
const mergeCites = (ruleCites: readonly string[], draftCites: readonly string[]): string[] => {
  const cites: string[] = [];
  for (const cite of ruleCites) if (!cites.includes(cite)) cites.push(cite);
  for (const cite of draftCites) if (!cites.includes(cite)) cites.push(cite);
  return cites;
};

const toFinding = (rule: Rule, ctx: RuleContext, draft: FindingDraft): Finding => ({
  ruleId: rule.id,
  severity: rule.severity,
  message: draft.message,
  path: draft.path,
  cites: mergeCites(rule.cites, draft.cites ?? []),
  fixes: rule.fixes?.(ctx) ?? [],
});

const headroomOf = (estimate: Estimate): string => {
  let margin = Infinity;
  for (const gpu of estimate.gpus) margin = Math.min(margin, gpu.marginBytes);
  return Number.isFinite(margin) ? `${formatGib(margin)} headroom on the fullest GPU` : "";
};

const runsHeadline = (estimate: Estimate): string => {
  const headroom = headroomOf(estimate);
  return `${STATUS_LABEL.runs}: ${formatFpsRange(estimate.speed.fpsRange)}${headroom ? `, ${headroom}` : ""}`;
};

/** A risky plan fits: the headline says so first, then names the finding that makes it risky. */
const causeHeadline = (status: VerdictStatus, cause: Finding, estimate: Estimate): string => {
  if (status !== "risky") return `${STATUS_LABEL[status]}: ${cause.message}`;
  const headroom = headroomOf(estimate);
  return `${STATUS_LABEL.risky}: fits${headroom ? ` (${headroom})` : ""}, but ${cause.message}`;
};

/**
 * One loop over the rules: each fired rule adds its findings and may worsen the status it implies.
 * measured: the committed probe runs the caller has (rules that compare with a measured run stay quiet without).
 */
export const evaluate = (plan: Plan, estimate: Estimate, rules: readonly Rule[] = LIVEAVATAR_RULES, measured: readonly MeasuredRun[] = []): Verdict => {
  const ctx: RuleContext = { plan, estimate, measured };
  let status: VerdictStatus = "runs";
  let cause: Finding | null = null;
  // Findings are listed errors first, then warnings, then info, each in rule order.
  const bySeverity: Record<Severity, Finding[]> = { error: [], warning: [], info: [] };
  for (const rule of rules) {
    const result = rule.check(ctx);
    if (result === null) continue;
    const drafts = Array.isArray(result) ? result : [result];
    if (drafts.length === 0) continue;
    const findings = bySeverity[rule.severity];
    const first = toFinding(rule, ctx, drafts[0]!);
    findings.push(first);
    for (let i = 1; i < drafts.length; i++) findings.push(toFinding(rule, ctx, drafts[i]!));
    if (worseStatus(status, rule.implies) !== status) {
      status = rule.implies;
      cause = first;
    }
  }
  const findings = [...bySeverity.error, ...bySeverity.warning, ...bySeverity.info];
  const headline = cause ? causeHeadline(status, cause, estimate) : runsHeadline(estimate);
  return { status, findings, headline };
};
