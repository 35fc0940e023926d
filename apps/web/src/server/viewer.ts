import type { DbClient } from "@headroom/db";
import { getAuth, type Auth } from "./auth.ts";
import { getMemberRole } from "./data.ts";

/** Who is asking, and the team they act in (the session's active team, else their first). */
export type Viewer = { userId: string; name: string; email: string; teamId: string | null };

/** The viewer behind a request's session cookie, as `auth` sees it (tests pass their own auth). */
export const resolveViewer = async (auth: Auth, headers: Headers): Promise<Viewer | null> => {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  let teamId = session.session.activeOrganizationId ?? null;
  if (!teamId) {
    const teams = await auth.api.listOrganizations({ headers });
    teamId = teams[0]?.id ?? null;
  }
  return { userId: session.user.id, name: session.user.name, email: session.user.email, teamId };
};

export const getViewer = async (headers: Headers): Promise<Viewer | null> => resolveViewer(await getAuth(), headers);

/** The viewer and their team, checked against the membership table (route handlers outside tRPC). */
export const getTeamViewer = async (headers: Headers, db: DbClient): Promise<(Viewer & { teamId: string }) | null> => {
  const viewer = await getViewer(headers);
  if (!viewer?.teamId) return null;
  return (await getMemberRole(db, { teamId: viewer.teamId, userId: viewer.userId })) === null ? null : { ...viewer, teamId: viewer.teamId };
};
