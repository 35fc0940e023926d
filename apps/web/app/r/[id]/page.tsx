import { nearestMeasurements, planToQuery } from "@headroom/estimator";
import { ReportView } from "@headroom/ui";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LaunchCommandPanel } from "@/components/launch/launch-command-panel";
import { describePlan } from "@/lib/describe-plan";
import { getMeasuredRuns } from "@/server/measured-runs";
import { getServerCaller } from "@/server/page-context";

export const metadata: Metadata = { title: "Shared feasibility check — Headroom" };

/** A share link: the immutable snapshot, read-only, for anyone holding the id (signed in or not). */
export default async function SharedReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getServerCaller();
  const report = await caller.reports.shared({ id }).catch(() => null);
  if (!report) notFound();
  // Computed at render, not stored in the snapshot: the nearest runs are evidence about the estimator, not part of the
  // check, so a link shows today's committed measurements (new runs included) with today's estimator's prediction for
  // each; the snapshot's own plan, estimate and verdict stay as shared. (Storing them would also need a new column.)
  const measured = nearestMeasurements(report.plan, getMeasuredRuns());
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">Shared check · {report.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC · estimator {report.estimatorVersion}</div>
          <h1 data-testid="report-title">{describePlan(report.plan)}</h1>
        </div>
        <div className="actions">
          <span className="muted small">Read-only snapshot</span>
          <Link className="btn btn-primary" href={`/?${planToQuery(report.plan)}`} data-testid="open-in-playground">Open in playground</Link>
        </div>
      </div>
      <ReportView plan={report.plan} estimate={report.estimate} verdict={report.verdict} measured={measured} />
      <LaunchCommandPanel plan={report.plan} inputsNote="the script's example image, audio and prompt: put yours in their place" />
    </>
  );
}
