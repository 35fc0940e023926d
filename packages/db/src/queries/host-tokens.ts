import { createHash, randomBytes } from "node:crypto";
import type { DbClient } from "../client.ts";

export type HostTokenDto = {
  id: string;
  name: string;
  teamIds: string[];
  allTeams: boolean;
  createdAt: Date;
  revokedAt: Date | null;
  /** The hosts that last registered with it, by name. */
  hostNames: string[];
};

const select = { id: true, name: true, teamIds: true, allTeams: true, createdAt: true, revokedAt: true, hosts: { select: { name: true }, orderBy: { name: "asc" } } } as const;
type Row = Omit<HostTokenDto, "hostNames"> & { hosts: { name: string }[] };
const toDto = ({ hosts, ...row }: Row): HostTokenDto => ({ ...row, hostNames: hosts.map((host) => host.name) });

/** Only this digest is stored: a leaked table names no usable secret. */
export const hashHostSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/** 32 random bytes (256 bits), base64url, with a prefix that says what it is when it turns up in a shell history. */
const newSecret = () => `hrt_${randomBytes(32).toString("base64url")}`;

/** A new token naming `teamIds` (or every team: the one-machine default's own); the secret is returned once, never stored. */
export const createHostToken = async (
  db: DbClient,
  input: { name: string; teamIds: string[]; allTeams?: boolean; createdById?: string | null },
): Promise<{ token: HostTokenDto; secret: string }> => {
  const secret = newSecret();
  const row = await db.hostToken.create({
    data: { name: input.name, teamIds: input.teamIds, allTeams: input.allTeams ?? false, createdById: input.createdById ?? null, secretHash: hashHostSecret(secret) },
    select,
  });
  return { token: toDto(row), secret };
};

/** The tokens that name this team, newest first (revoked ones too: the hosts page shows their state). */
export const listHostTokens = async (db: DbClient, input: { teamId: string }): Promise<HostTokenDto[]> =>
  (await db.hostToken.findMany({ where: { teamIds: { has: input.teamId } }, select, orderBy: { createdAt: "desc" } })).map(toDto);

/** Revokes a token of this team; false when the team has no such token. Its hosts stop at their next claim. */
export const revokeHostToken = async (db: DbClient, input: { teamId: string; id: string; at?: Date }): Promise<boolean> => {
  const { count } = await db.hostToken.updateMany({ where: { id: input.id, teamIds: { has: input.teamId }, revokedAt: null }, data: { revokedAt: input.at ?? new Date() } });
  return count > 0;
};

/** The live token this secret belongs to; null when unknown or revoked. */
export const verifyHostToken = async (db: DbClient, secret: string): Promise<HostTokenDto | null> => {
  const row = await db.hostToken.findUnique({ where: { secretHash: hashHostSecret(secret) }, select });
  return row && row.revokedAt === null ? toDto(row) : null;
};

export const tokenAllowsTeam = (token: Pick<HostTokenDto, "teamIds" | "allTeams">, teamId: string): boolean => token.allTeams || token.teamIds.includes(teamId);

/** `attempts` numbers the claim: a worker's report batches are keyed by it (queries/job-reports.ts). */
export type HeldJob = { id: string; teamId: string; inputAssetIds: string[]; attempts: number };

/**
 * The job, when the host `hostId` holds its claim now (the row is running on it), registered with this token, and the
 * token names the job's team; null otherwise. The worker API's one check before any input or result moves.
 */
/**
 * How long after a cancelled job settled its host may still report on it: the run's last log lines (the stop itself)
 * are sent after the runner is killed, and a cancel must not lose them. Files stay running-only.
 */
export const CANCELLED_REPORT_GRACE_MS = 60_000;

export const findHeldJob = async (
  db: DbClient,
  input: { token: HostTokenDto; hostId: string; jobId: string; reporting?: boolean },
  now: Date = new Date(),
): Promise<HeldJob | null> => {
  const stopping = { state: "cancelled" as const, OR: [{ finishedAt: null }, { finishedAt: { gte: new Date(now.getTime() - CANCELLED_REPORT_GRACE_MS) } }] };
  const job = await db.job.findFirst({
    where: { id: input.jobId, hostId: input.hostId, host: { tokenId: input.token.id }, ...(input.reporting ? { OR: [{ state: "running" }, stopping] } : { state: "running" }) },
    select: { id: true, teamId: true, inputAssetIds: true, attempts: true },
  });
  return job && tokenAllowsTeam(input.token, job.teamId) ? job : null;
};

/** Revokes the live local tokens (every team) of this name: a restarted one-machine worker leaves no stale ones. */
export const revokeLocalHostTokens = async (db: DbClient, name: string): Promise<number> =>
  (await db.hostToken.updateMany({ where: { name, allTeams: true, revokedAt: null }, data: { revokedAt: new Date() } })).count;
