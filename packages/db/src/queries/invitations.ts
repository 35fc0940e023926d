import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";

/** An invite link's one-time token lives hashed in better-auth's verification table, keyed by the invitation. */
const tokenKey = (invitationId: string) => `invitation:${invitationId}`;

export type InvitationDto = { id: string; teamId: string; email: string; role: string | null; expiresAt: Date };

/** A pending, unexpired invitation, or NotFoundError (accepted, canceled, expired and missing look the same). */
export const getPendingInvitation = async (db: DbClient, id: string, now = new Date()): Promise<InvitationDto> => {
  const row = await db.invitation.findUnique({ where: { id }, select: { id: true, organizationId: true, email: true, role: true, status: true, expiresAt: true } });
  if (!row || row.status !== "pending" || row.expiresAt <= now) throw new NotFoundError("invitation", id);
  return { id: row.id, teamId: row.organizationId, email: row.email, role: row.role, expiresAt: row.expiresAt };
};

/** The invitation's link token (its hash), expiring with the invitation; a new one replaces the old, so older links stop working. */
export const setInvitationToken = async (db: DbClient, input: { invitationId: string; tokenHash: string; expiresAt: Date }): Promise<void> => {
  await db.verification.deleteMany({ where: { identifier: tokenKey(input.invitationId) } });
  await db.verification.create({ data: { identifier: tokenKey(input.invitationId), value: input.tokenHash, expiresAt: input.expiresAt } });
};

/** Spends the token: true when it matched and had not expired. The row is deleted, so a token works once. */
export const consumeInvitationToken = async (db: DbClient, input: { invitationId: string; tokenHash: string; now?: Date }): Promise<boolean> =>
  (await db.verification.deleteMany({ where: { identifier: tokenKey(input.invitationId), value: input.tokenHash, expiresAt: { gt: input.now ?? new Date() } } })).count === 1;

/** Whether the token is the invitation's live one, without spending it (sign-up checks it; accepting spends it). */
export const invitationTokenMatches = async (db: DbClient, input: { invitationId: string; tokenHash: string; now?: Date }): Promise<boolean> =>
  (await db.verification.count({ where: { identifier: tokenKey(input.invitationId), value: input.tokenHash, expiresAt: { gt: input.now ?? new Date() } } })) === 1;

export const markInvitationAccepted = async (db: DbClient, id: string): Promise<void> => {
  await db.invitation.update({ where: { id }, data: { status: "accepted" } });
};
