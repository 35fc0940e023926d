import type { Finding } from "@headroom/rules";
import { z } from "zod";
import type { DbClient } from "../client.ts";
import { HostInventory } from "../host-inventory.ts";
import { FindingJson } from "../json/verdict.ts";

/** A host is online while its last preflight or heartbeat is this recent. */
export const HOST_ONLINE_WINDOW_MS = 90_000;

export type WorkerHostDto = {
  id: string;
  name: string;
  hostname: string;
  lastSeenAt: Date;
  isOnline: boolean;
  inventory: HostInventory;
  preflight: Finding[];
  /** The host token it last registered with: none (an older worker), live, or revoked (it takes no more jobs). */
  token: { name: string; state: "live" | "revoked"; allTeams: boolean; teamIds: string[] } | null;
  /** The job running on it now, if any (its team's members may open it). */
  currentJob: { id: string; teamId: string; runner: string; startedAt: Date | null } | null;
};

export type UpsertWorkerHostInput = {
  name: string;
  hostname: string;
  inventory: HostInventory;
  preflight: Finding[];
  /** The host token it runs with (the worker API checks a job's host against it). */
  tokenId?: string | null;
  seenAt?: Date;
};

const select = {
  id: true, name: true, hostname: true, lastSeenAt: true, inventory: true, preflight: true,
  token: { select: { name: true, revokedAt: true, allTeams: true, teamIds: true } },
  jobs: { where: { state: "running" }, select: { id: true, teamId: true, runner: true, startedAt: true }, orderBy: { startedAt: "desc" }, take: 1 },
} as const;
const Findings = z.array(FindingJson);

type Row = {
  id: string; name: string; hostname: string; lastSeenAt: Date; inventory: unknown; preflight: unknown;
  token: { name: string; revokedAt: Date | null; allTeams: boolean; teamIds: string[] } | null;
  jobs: { id: string; teamId: string; runner: string; startedAt: Date | null }[];
};

const toDto = ({ token, jobs, ...row }: Row, now: Date): WorkerHostDto => ({
  ...row,
  token: token && { name: token.name, state: token.revokedAt ? "revoked" : "live", allTeams: token.allTeams, teamIds: token.teamIds },
  currentJob: jobs[0] ?? null,
  isOnline: now.getTime() - row.lastSeenAt.getTime() <= HOST_ONLINE_WINDOW_MS,
  inventory: HostInventory.parse(row.inventory),
  preflight: Findings.parse(row.preflight),
});

/**
 * Whether the host takes this team's jobs: its live token names the team (its claim checks the same). A host that
 * registered without a token (a worker from before tokens) is not judged here.
 */
export const hostServesTeam = (host: Pick<WorkerHostDto, "token">, teamId: string | null): boolean =>
  host.token === null || (host.token.state === "live" && (host.token.allTeams || (teamId !== null && host.token.teamIds.includes(teamId))));

/** Registers a host or refreshes its inventory, findings and last-seen time (keyed by its configured name). */
export const upsertWorkerHost = async (db: DbClient, input: UpsertWorkerHostInput): Promise<WorkerHostDto> => {
  const seenAt = input.seenAt ?? new Date();
  const fields = { hostname: input.hostname, lastSeenAt: seenAt, inventory: input.inventory, preflight: input.preflight, ...(input.tokenId !== undefined && { tokenId: input.tokenId }) };
  const row = await db.workerHost.upsert({
    where: { name: input.name },
    create: { name: input.name, ...fields },
    update: fields,
    select,
  });
  return toDto(row, seenAt);
};

/** Every registered host, by name, with `isOnline` judged at `now`. */
export const listWorkerHosts = async (db: DbClient, options: { now?: Date } = {}): Promise<WorkerHostDto[]> => {
  const now = options.now ?? new Date();
  const rows = await db.workerHost.findMany({ select, orderBy: { name: "asc" } });
  return rows.map((row) => toDto(row, now));
};
