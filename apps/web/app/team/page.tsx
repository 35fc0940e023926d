import { InvitePanel } from "@/components/team/invite-panel";
import { TeamsPanel } from "@/components/team/teams-panel";
import { formatWhen } from "@/lib/format";
import { getServerCaller, requirePageViewer } from "@/server/page-context";

export const metadata = { title: "Team — Headroom" };

export default async function TeamPage() {
  const viewer = await requirePageViewer("/team");
  const caller = await getServerCaller();
  const [{ team }, members, teams] = await Promise.all([caller.team.current(), caller.team.members(), caller.team.list()]);
  const role = members.find((member) => member.userId === viewer.userId)?.role ?? "member";
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">Team</div>
          <h1>{team.name}</h1>
        </div>
      </div>
      <div className="job-grid">
        <div className="table-wrap">
          <table className="data" data-testid="members">
            <thead><tr><th>Member</th><th>Email</th><th>Role</th><th>Joined</th></tr></thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.id}>
                  <td>{member.user.name}{member.userId === viewer.userId ? <span className="muted"> (you)</span> : null}</td>
                  <td>{member.user.email}</td>
                  <td>{member.role}</td>
                  <td className="num">{formatWhen(member.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="report">
          <TeamsPanel teams={teams.map(({ id, name, role: teamRole, isActive }) => ({ id, name, role: teamRole, isActive }))} />
          <InvitePanel teamId={team.id} canInvite={role.includes("owner") || role.includes("admin")} />
        </div>
      </div>
    </>
  );
}
