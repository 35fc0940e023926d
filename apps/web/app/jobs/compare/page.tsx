import Link from "next/link";
import { JobCompare } from "@/components/jobs/job-compare";
import { checkPlan } from "@/lib/check-plan";
import { compareSides, measuredPhaseBytes, type CompareSide } from "@/lib/compare-jobs";
import { jobDurationSeconds } from "@/lib/format";
import { getServerCaller, requirePageViewer } from "@/server/page-context";

export const metadata = { title: "Compare — Headroom" };

type Caller = Awaited<ReturnType<typeof getServerCaller>>;
type Side = CompareSide & { href: string; note: string };

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A job id (uuid) or a saved check's id (a report of the team): either gives a plan and its estimate. */
const loadSide = async (caller: Caller, id: string): Promise<Side | null> => {
  if (!JOB_ID.test(id)) {
    const report = await caller.reports.get({ id }).catch(() => null);
    return report && { label: `check ${id.slice(0, 8)}`, href: `/r/${id}`, plan: report.plan, estimate: report.estimate, measured: null, note: "a saved check: predicted only" };
  }
  const found = await caller.jobs.get({ id }).catch(() => null);
  if (!found) return null;
  const { job } = found;
  const events = await caller.jobs.events({ id, afterSeq: 0 });
  // a probe at tiny shapes (no GPU) stores no peak: its numbers are a smoke run's, not a measurement of this plan
  const isMeasured = job.measuredPeakBytes !== null;
  const wall = job.finishedAt ? jobDurationSeconds(job) : null;
  return {
    label: `job ${id.slice(-8)}`,
    href: `/jobs/${id}`,
    plan: job.plan,
    estimate: job.estimate ?? checkPlan(job.plan).estimate,
    measured: isMeasured ? { peakBytes: job.measuredPeakBytes, phaseBytes: measuredPhaseBytes(events), wallSeconds: wall } : null,
    note: `${job.runner} · ${job.state}${isMeasured ? "" : job.finishedAt ? " · no measurement (smoke run or no peak recorded)" : " · not finished"}`,
  };
};

/** /jobs/compare?a=<job or check id>&b=<job or check id>: two runs side by side. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ a?: string; b?: string }> }) {
  const { a, b } = await searchParams;
  await requirePageViewer(`/jobs/compare?a=${encodeURIComponent(a ?? "")}&b=${encodeURIComponent(b ?? "")}`);
  const caller = await getServerCaller();
  const [left, right] = await Promise.all([a ? loadSide(caller, a.slice(0, 64)) : null, b ? loadSide(caller, b.slice(0, 64)) : null]);
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs"><Link href="/jobs">Jobs</Link></div>
          <h1>Compare</h1>
        </div>
      </div>
      {left && right ? (
        <JobCompare a={left} b={right} comparison={compareSides(left, right)} />
      ) : (
        <div className="callout callout-info" data-testid="compare-missing">Pick two jobs in the <Link href="/jobs">jobs list</Link> (tick two rows, then Compare); {a && !left ? "job or check A was not found. " : ""}{b && !right ? "job or check B was not found." : ""}</div>
      )}
    </>
  );
}
