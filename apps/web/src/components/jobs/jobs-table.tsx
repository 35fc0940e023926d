"use client";
import { formatDuration, StateBadge } from "@headroom/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { GPU_CATALOG, GPU_IDS } from "@headroom/estimator";
import { describePlan } from "@/lib/describe-plan";
import { planFlags } from "@/lib/plan-flags";
import { formatWhen, gib, jobDurationSeconds, peakDelta } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { JobsExportButtons } from "./jobs-export-buttons";

const STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
type StateFilter = (typeof STATES)[number] | "";
type GpuFilter = (typeof GPU_IDS)[number] | "custom" | "";
/** Two jobs picked for /jobs/compare. */
const MAX_PICKED = 2;

/** The team's job history: filter by state, member and GPU, newest first, keyset pages; export the filter, compare two. */
export function JobsTable({ members }: { members: { userId: string; name: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [state, setState] = useState<StateFilter>("");
  const [userId, setUserId] = useState("");
  const [gpu, setGpu] = useState<GpuFilter>("");
  const [picked, setPicked] = useState<string[]>([]);
  const togglePick = (id: string) => setPicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-MAX_PICKED)));
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const filter = { ...(state ? { state } : {}), ...(userId ? { userId } : {}), ...(gpu ? { gpu } : {}) };
  const input = { ...filter, cursor, limit: 20 };
  const { data, error, isPending } = useQuery({
    ...trpc.jobs.list.queryOptions(input),
    refetchInterval: (query) => (query.state.data?.items.some((job) => job.state === "queued" || job.state === "running") ? 2000 : 15000),
  });
  const names = new Map(members.map((member) => [member.userId, member.name]));
  const resetPages = () => setCursors([null]);
  return (
    <>
      <div className="filters">
        <label className="small muted" htmlFor="state-filter">State</label>
        <select id="state-filter" value={state} onChange={(event) => { setState(event.target.value as StateFilter); resetPages(); }}>
          <option value="">all</option>
          {STATES.map((value) => <option key={value} value={value}>{value}</option>)}
        </select>
        <label className="small muted" htmlFor="member-filter">Member</label>
        <select id="member-filter" value={userId} onChange={(event) => { setUserId(event.target.value); resetPages(); }}>
          <option value="">everyone</option>
          {members.map((member) => <option key={member.userId} value={member.userId}>{member.name}</option>)}
        </select>
        <label className="small muted" htmlFor="gpu-filter">GPU</label>
        <select id="gpu-filter" value={gpu} onChange={(event) => { setGpu(event.target.value as GpuFilter); resetPages(); }}>
          <option value="">any</option>
          {GPU_IDS.map((id) => <option key={id} value={id}>{GPU_CATALOG[id].name.replace(/^NVIDIA (GeForce )?/, "")}</option>)}
          <option value="custom">custom GPU</option>
        </select>
        <span className="spacer" />
        <JobsExportButtons filter={filter} names={names} />
        {picked.length === MAX_PICKED ? (
          <Link className="btn btn-sm btn-primary" href={`/jobs/compare?a=${picked[0]}&b=${picked[1]}`} data-testid="compare-picked">Compare 2 jobs</Link>
        ) : (
          <span className="small muted" data-testid="compare-hint">Tick two jobs to compare</span>
        )}
      </div>
      {error && <div className="callout callout-error">{error.message}</div>}
      <div className="table-wrap">
        <table className="data" data-testid="jobs-table">
          <thead>
            <tr>
              <th aria-label="pick to compare" /><th>Job</th><th>State</th><th>Plan</th><th>Runner</th><th>Host</th><th>Member</th><th>Created</th><th className="num">Duration</th><th className="num">Predicted peak</th><th className="num">Measured peak</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((job) => {
              const duration = jobDurationSeconds(job);
              const delta = peakDelta(job.predictedPeakBytes, job.measuredPeakBytes);
              return (
                <tr key={job.id} className="clickable" onClick={() => router.push(`/jobs/${job.id}`)}>
                  <td onClick={(event) => event.stopPropagation()}>
                    <input type="checkbox" aria-label={`compare job ${job.id.slice(-8)}`} checked={picked.includes(job.id)} onChange={() => togglePick(job.id)} data-testid="pick-job" />
                  </td>
                  <td><Link href={`/jobs/${job.id}`}><code>{job.id.slice(-8)}</code></Link></td>
                  <td><StateBadge state={job.state} />{job.errorClass && job.state === "failed" ? <span className="small muted"> {job.errorClass}</span> : null}</td>
                  <td>
                    {describePlan(job.plan)}
                    {planFlags(job.plan).length > 0 && <div className="plan-flags" data-testid="plan-flags">{planFlags(job.plan).map((flag) => <code key={flag} className="plan-flag">{flag}</code>)}</div>}
                  </td>
                  <td>{job.runner}</td>
                  <td>{job.host?.name ?? <span className="muted">—</span>}</td>
                  <td>{names.get(job.userId) ?? "—"}</td>
                  <td className="num">{formatWhen(job.createdAt)}</td>
                  <td className="num">{duration === null ? "—" : formatDuration(duration)}</td>
                  <td className="num">{gib(job.predictedPeakBytes)}</td>
                  <td className="num">
                    {gib(job.measuredPeakBytes)} {delta && <span className={delta.isOutsideBar ? "delta-bad" : "delta-ok"} title={delta.isOutsideBar ? "outside the stated error bar" : "within the stated error bar"}>{delta.text}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {data && data.items.length === 0 && <div className="empty">No jobs {state || userId || gpu ? "match these filters" : "yet — submit one from the playground"}.</div>}
        {isPending && <div className="empty">Loading…</div>}
      </div>
      <div className="pager">
        <span className="small muted">Page {cursors.length}</span>
        <button type="button" className="btn btn-sm" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← Newer</button>
        <button type="button" className="btn btn-sm" disabled={!data?.nextCursor} onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}>Older →</button>
      </div>
    </>
  );
}
