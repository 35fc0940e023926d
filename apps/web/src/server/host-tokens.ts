// Host tokens on the hosts page: a team's owners and admins create them (the secret is shown once) and revoke them.
import type { DbClient, HostTokenDto } from "@headroom/db";
import { TRPCError } from "@trpc/server";
import { createHostToken, getMemberRole, listHostTokens, revokeHostToken } from "./data.ts";

type Caller = { teamId: string; userId: string };

const isAdmin = async (db: DbClient, caller: Caller) => {
  const role = await getMemberRole(db, caller);
  return role === "owner" || role === "admin";
};

const requireAdmin = async (db: DbClient, caller: Caller) => {
  if (!(await isAdmin(db, caller))) throw new TRPCError({ code: "FORBIDDEN", message: "Only the team's owners and admins manage host tokens." });
};

/** The team's tokens (hashes never leave the database) and whether the caller may manage them. */
export const teamHostTokens = async (db: DbClient, caller: Caller): Promise<{ tokens: HostTokenDto[]; canManage: boolean }> => ({
  tokens: await listHostTokens(db, { teamId: caller.teamId }),
  canManage: await isAdmin(db, caller),
});

/** A token for the caller's team; its secret is in this answer only. */
export const newHostToken = async (db: DbClient, caller: Caller, name: string): Promise<{ id: string; secret: string }> => {
  await requireAdmin(db, caller);
  const { token, secret } = await createHostToken(db, { name, teamIds: [caller.teamId], createdById: caller.userId });
  return { id: token.id, secret };
};

export const revokeTeamHostToken = async (db: DbClient, caller: Caller, id: string): Promise<{ revoked: boolean }> => {
  await requireAdmin(db, caller);
  return { revoked: await revokeHostToken(db, { teamId: caller.teamId, id }) };
};
