import type { Estimate, Plan } from "@headroom/estimator";
import { formatFps, formatGib } from "./format.ts";
import { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
import { worseStatus, type Finding, type Rule, type RuleContext, type Severity, type VerdictStatus } from "./rule.ts";

export type Verdict = { status: VerdictStatus; findings: Finding[]; headline: string };

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

const STATUS_LABEL: Record<VerdictStatus, string> = {
  runs: "Runs",
  "runs-slowly": "Runs slowly",
  tight: "Tight",
  "out-of-memory": "Out of memory",
  invalid: "Invalid",
};

const unique = (items: string[]): string[] => [...new Set(items)];

const toFinding = (rule: Rule, ctx: RuleContext, draft: { message: string; path: string[]; cites?: string[] }): Finding => ({
  ruleId: rule.id,
  severity: rule.severity,
  message: draft.message,
  path: draft.path,
  cites: unique([...rule.cites, ...(draft.cites ?? [])]),
  fixes: rule.fixes?.(ctx) ?? [],
});

const runsHeadline = (estimate: Estimate): string => {
  const margin = Math.min(...estimate.gpus.map((gpu) => gpu.marginBytes));
  const headroom = Number.isFinite(margin) ? `, ${formatGib(margin)} headroom on the fullest GPU` : "";
  return `${STATUS_LABEL.runs}: ${formatFps(estimate.speed.fps)}${headroom}`;
};

/** One loop over the rules: each fired rule adds its findings and may worsen the status it implies. */
export const evaluate = (plan: Plan, estimate: Estimate, rules: readonly Rule[] = LIVEAVATAR_RULES): Verdict => {
  const ctx: RuleContext = { plan, estimate };
  let status: VerdictStatus = "runs";
  let cause: Finding | null = null;
  const findings: Finding[] = [];
  for (const rule of rules) {
    const result = rule.check(ctx);
    const drafts = result === null ? [] : Array.isArray(result) ? result : [result];
    const fired = drafts.map((draft) => toFinding(rule, ctx, draft));
    findings.push(...fired);
    const first = fired[0];
    if (first && worseStatus(status, rule.implies) !== status) {
      status = rule.implies;
      cause = first;
    }
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const headline = cause ? `${STATUS_LABEL[status]}: ${cause.message}` : runsHeadline(estimate);
  return { status, findings, headline };
};
