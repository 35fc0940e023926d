import type { PlanPatch } from "@headroom/estimator";
import type { Finding } from "@headroom/rules";
import { flagForPath } from "./format.ts";
import { Cite } from "./source-tag.tsx";

const SEVERITY_ICON = { error: "✕", warning: "!", info: "i" } as const;

/** Findings with their citations (FR-n, upstream files) and the plan field they point at. */
export function FindingList({ findings, onApplyFix }: { findings: readonly Finding[]; onApplyFix?: (patch: PlanPatch) => void }) {
  if (findings.length === 0) return <p className="muted small">No findings: nothing in the rule pack fired for this plan.</p>;
  return (
    <ul className="findings" data-testid="findings">
      {findings.map((finding, index) => {
        const flag = flagForPath(finding.path);
        return (
          <li key={`${finding.ruleId}-${index}`} className={`finding finding-${finding.severity}`} data-severity={finding.severity}>
            <span className="finding-icon" aria-label={finding.severity}>{SEVERITY_ICON[finding.severity]}</span>
            <div className="finding-body">
              <p>{finding.message}</p>
              <div className="finding-meta">
                <code className="rule-id">{finding.ruleId}</code>
                {flag && <code className="flag">{flag}</code>}
                {finding.cites.map((cite) => <Cite key={cite} cite={cite} />)}
              </div>
              {onApplyFix && finding.fixes.length > 0 && (
                <div className="fixes">
                  {finding.fixes.slice(0, 4).map((fix) => (
                    <button key={fix.label} type="button" className="btn btn-xs" onClick={() => onApplyFix(fix.patch)} title="apply this fix to the plan">
                      {fix.label}
                    </button>
                  ))}
                </div>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
