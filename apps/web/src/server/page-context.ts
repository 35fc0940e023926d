import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { createRequestContext } from "./context.ts";
import { getDatabase } from "./database.ts";
import { createCaller } from "./root.ts";
import { getTeamViewer, type Viewer } from "./viewer.ts";

/** The signed-in viewer with a team, or null (server components). */
export const getPageViewer = async (): Promise<(Viewer & { teamId: string }) | null> => getTeamViewer(await headers(), await getDatabase());

/** Pages that need an account send a signed-out visitor to sign in and back. */
export const requirePageViewer = async (path: string): Promise<Viewer & { teamId: string }> => {
  const viewer = await getPageViewer();
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
};

/** The tRPC routers called in-process for a server component's first render. */
export const getServerCaller = async () => createCaller(await createRequestContext(await headers()));
