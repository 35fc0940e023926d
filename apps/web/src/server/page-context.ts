import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { createRequestContext } from "./context.ts";
import { getDatabase } from "./database.ts";
import { createCaller } from "./root.ts";
import { createPersonalTeam } from "./teams.ts";
import { getTeamViewer, getViewer, type Viewer } from "./viewer.ts";

/** The signed-in viewer, with or without a team (the header; the invite page, where a new invitee has none yet). */
export const getSignedInViewer = async (): Promise<Viewer | null> => getViewer(await headers());

/**
 * The signed-in viewer with a team, or null (server components). An account with no team at all signed up through
 * an invite link (auth.ts skips its own team then) and went elsewhere before accepting: it gets its own team now,
 * as sign-up would have made it.
 */
export const getPageViewer = async (): Promise<(Viewer & { teamId: string }) | null> => {
  const db = await getDatabase();
  const viewer = await getTeamViewer(await headers(), db);
  if (viewer) return viewer;
  const signedIn = await getSignedInViewer();
  if (!signedIn || signedIn.teamId !== null) return null;
  const team = await createPersonalTeam(db, { id: signedIn.userId, name: signedIn.name, email: signedIn.email });
  return { ...signedIn, teamId: team.id };
};

/** Pages that need an account send a signed-out visitor to sign in and back. */
export const requirePageViewer = async (path: string): Promise<Viewer & { teamId: string }> => {
  const viewer = await getPageViewer();
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
};

/** The tRPC routers called in-process for a server component's first render. */
export const getServerCaller = async () => createCaller(await createRequestContext(await headers()));
