import { GPU_CATALOG, assumption, type Estimate, type Plan, type PlanPatch, type Source } from "@headroom/estimator";
import type { Verdict } from "@headroom/rules";
import type { ReactNode } from "react";
import { FindingList } from "./finding-list.tsx";
import { MemoryBars } from "./memory-bar.tsx";
import { NoteList } from "./note-list.tsx";
import { HostRamPanel, SpeedPanel } from "./speed-panel.tsx";
import { VerdictBanner } from "./verdict-banner.tsx";

export const usableSourceOf = (plan: Plan): Source =>
  plan.hardware.gpu === "custom" ? assumption("custom GPU: VRAM entered by hand") : GPU_CATALOG[plan.hardware.gpu].sources.usable;

export function Panel({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      <header className="panel-head">
        <h3>{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}

/** A feasibility report: verdict, memory per GPU, host RAM, speed, findings and the report-vs-source notes. */
export function ReportView({ plan, estimate, verdict, onApplyFix, suggestions }: { plan: Plan; estimate: Estimate; verdict: Verdict; onApplyFix?: (patch: PlanPatch) => void; suggestions?: ReactNode }) {
  return (
    <div className="report">
      <VerdictBanner verdict={verdict} estimate={estimate} />
      <Panel title="Memory per GPU at its peak phase" aside={<span className="muted small">stacked by term · line = usable VRAM</span>} testId="memory-panel">
        <MemoryBars estimate={estimate} usableSource={usableSourceOf(plan)} />
      </Panel>
      {suggestions}
      <Panel title={`Findings (${verdict.findings.length})`}>
        <FindingList findings={verdict.findings} {...(onApplyFix ? { onApplyFix } : {})} />
      </Panel>
      <div className="grid-2">
        <Panel title="Speed and wall time">
          <SpeedPanel estimate={estimate} />
        </Panel>
        <Panel title="Host RAM">
          <HostRamPanel estimate={estimate} hostRamGb={plan.hardware.hostRamGb} />
        </Panel>
      </div>
      <Panel title="Field report vs source">
        <NoteList notes={estimate.notes} />
      </Panel>
    </div>
  );
}
