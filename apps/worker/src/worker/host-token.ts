import { createHostToken, revokeLocalHostTokens, verifyHostToken, type DbClient } from "@headroom/db";
import type { WorkerSettings } from "./worker-settings.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export const isLoopback = (webUrl: string): boolean => LOOPBACK.has(new URL(webUrl).hostname);

/**
 * The token this host transfers files with. A configured one must be live. Without one, a worker beside the web on
 * this machine (the one-machine default, `npm start`) mints its own through the database it already holds: the same
 * token check and HTTP path as a remote host, with nothing for the user to paste. A remote web address needs a token.
 */
export const hostTokenFor = async (db: DbClient, settings: Pick<WorkerSettings, "name" | "webUrl" | "hostToken">): Promise<{ id: string; secret: string }> => {
  if (settings.hostToken) {
    const token = await verifyHostToken(db, settings.hostToken);
    if (!token) throw new Error("the host token is unknown or revoked: create one on the hosts page");
    return { id: token.id, secret: settings.hostToken };
  }
  if (!isLoopback(settings.webUrl)) throw new Error(`a host token is needed to reach ${new URL(settings.webUrl).host}: create one on the hosts page and pass --token`);
  const name = `local (${settings.name})`;
  await revokeLocalHostTokens(db, name); // the last start's: this host's name is unique, its earlier process is gone
  const { token, secret } = await createHostToken(db, { name, teamIds: [], allTeams: true });
  return { id: token.id, secret };
};
