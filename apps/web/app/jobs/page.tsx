import Link from "next/link";
import { JobsTable } from "@/components/jobs/jobs-table";
import { getServerCaller, requirePageViewer } from "@/server/page-context";

export const metadata = { title: "Jobs — Headroom" };

export default async function JobsPage() {
  await requirePageViewer("/jobs");
  const caller = await getServerCaller();
  const [members, { team }] = await Promise.all([caller.team.members(), caller.team.current()]);
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">{team.name}</div>
          <h1>Jobs</h1>
        </div>
        <div className="actions">
          <Link className="btn btn-primary" href="/">New check</Link>
        </div>
      </div>
      <JobsTable members={members.map((member) => ({ userId: member.userId, name: member.user.name }))} />
    </>
  );
}
