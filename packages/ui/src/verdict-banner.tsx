import { formatGib, type Estimate } from "@headroom/estimator";
import type { Verdict, VerdictStatus } from "@headroom/rules";
import { formatErrorBar } from "./format.ts";
import { SourceTag } from "./source-tag.tsx";

export const STATUS_LABEL: Record<VerdictStatus, string> = {
  runs: "Runs",
  "runs-slowly": "Runs slowly",
  tight: "Tight",
  risky: "Risky",
  "out-of-memory": "Out of memory",
  invalid: "Invalid",
};

/** The verdict in one line: status, the deciding GPU's peak and phase, and the error bar every report states. */
export function VerdictBanner({ verdict, estimate }: { verdict: Verdict; estimate: Estimate }) {
  const worst = estimate.gpus[estimate.worstRank];
  const headline = verdict.headline.replace(/^[^:]+:\s*/, "");
  return (
    <section className={`verdict verdict-${verdict.status}`} data-testid="verdict" data-status={verdict.status}>
      <div className="verdict-status">{STATUS_LABEL[verdict.status]}</div>
      <div className="verdict-body">
        <p className="verdict-headline">{headline}</p>
        {worst && (
          <p className="verdict-facts">
            Fullest GPU: rank {worst.rank} ({worst.role}) peaks at <b>{formatGib(worst.peakBytes)}</b> in{" "}
            <b data-testid="verdict-peak-phase">{worst.peakPhase}</b> of {formatGib(worst.usableBytes)} usable —{" "}
            {worst.marginBytes >= 0 ? `${formatGib(worst.marginBytes)} headroom` : `${formatGib(-worst.marginBytes)} over`}
          </p>
        )}
      </div>
      <div className="verdict-errorbar" title="Every prediction carries this error bar">
        <span className="muted">error bar</span> <b data-testid="error-bar">{formatErrorBar(estimate.errorBar)}</b>{" "}
        <SourceTag source={estimate.errorBar.source} /> <a href="/evidence#memory" className="small">evidence</a>
      </div>
    </section>
  );
}
