import type { DbClient, HeldJob } from "@headroom/db";
import { findHeldJob, verifyHostToken } from "../data.ts";

/** The header a worker names itself with (its worker_host id); the claim check compares it with the job's row. */
export const HOST_HEADER = "x-headroom-host";

const refuse = (status: number, error: string) => Response.json({ error }, { status });

/**
 * The job whose files this request may move: a live host token (Bearer), and the job running now on the named host,
 * registered with that token, of a team the token names. 401 for no/revoked token, 403 for anything else: a host learns
 * nothing about jobs it does not hold. `reporting` (events, VRAM samples): also a job cancelled on that host, until a
 * minute after it settled, so the run's last lines are kept.
 */
export const authorizeHost = async (db: DbClient, headers: Headers, jobId: string, options: { reporting?: boolean } = {}): Promise<HeldJob | Response> => {
  const secret = /^Bearer (\S+)$/.exec(headers.get("authorization") ?? "")?.[1];
  const token = secret ? await verifyHostToken(db, secret) : null;
  if (!token) return refuse(401, "unknown or revoked host token");
  const hostId = headers.get(HOST_HEADER);
  const job = hostId ? await findHeldJob(db, { token, hostId, jobId, ...options }) : null;
  return job ?? refuse(403, "this host holds no claim on that job");
};
