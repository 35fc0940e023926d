import { ERROR_BAR, GPU_CATALOG, assumption, type Estimate, type MeasuredNeighbour, type Plan, type PlanPatch, type Source } from "@headroom/estimator";
import type { Verdict } from "@headroom/rules";
import type { ReactNode } from "react";
import { FindingList } from "./finding-list.tsx";
import { FrameLine } from "./frame-line.tsx";
import { formatErrorBar } from "./format.ts";
import { MeasuredNeighbours } from "./measured-neighbours.tsx";
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

type ReportViewProps = {
  plan: Plan;
  estimate: Estimate;
  verdict: Verdict;
  onApplyFix?: (patch: PlanPatch) => void;
  suggestions?: ReactNode;
  /** The committed runs nearest to the plan, shown beside the prediction (left out where not given). */
  measured?: readonly MeasuredNeighbour[];
};

/** A feasibility report: verdict, memory per GPU, the nearest measured runs, host RAM, speed, findings and notes. */
export function ReportView({ plan, estimate, verdict, onApplyFix, suggestions, measured }: ReportViewProps) {
  return (
    <div className="report">
      <VerdictBanner verdict={verdict} estimate={estimate} />
      <FrameLine frame={estimate.frame} />
      <Panel title="Memory per GPU at its peak phase" aside={<span className="muted small">stacked by term · line = usable VRAM</span>} testId="memory-panel">
        <MemoryBars estimate={estimate} usableSource={usableSourceOf(plan)} />
      </Panel>
      {measured && (
        <Panel title="Nearest measured plans" aside={<span className="muted small">error bar {formatErrorBar(ERROR_BAR)}</span>} testId="measured-panel">
          <MeasuredNeighbours neighbours={measured} />
        </Panel>
      )}
      {suggestions}
      <Panel title={`Findings (${verdict.findings.length})`}>
        <FindingList findings={verdict.findings} {...(onApplyFix ? { onApplyFix } : {})} />
      </Panel>
      <div className="grid-2">
        <Panel title="Speed and wall time">
          <SpeedPanel estimate={estimate} status={verdict.status} />
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
