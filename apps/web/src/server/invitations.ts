// Invitations are bound to their holder: this deployment sends no email, so accepting needs the one-time token that
// only the invite link carries (stored hashed, spent on use, expiring with the invitation) and an account with the
// invitee's address. better-auth's own accept endpoint is closed (auth.ts); accepting goes through here.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DbClient } from "@headroom/db";
import { NotFoundError, addMember, consumeInvitationToken, getMemberRole, getPendingInvitation, invitationTokenMatches, markInvitationAccepted, setInvitationToken, withTransaction } from "./data.ts";

export const hashInviteToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const sameEmail = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a.trim().toLowerCase()), Buffer.from(b.trim().toLowerCase())];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A fresh link token for a pending invitation of a team the caller owns or administers; older links stop working. */
export const issueInviteToken = async (db: DbClient, input: { invitationId: string; userId: string }): Promise<{ token: string }> => {
  const invitation = await getPendingInvitation(db, input.invitationId);
  const role = await getMemberRole(db, { teamId: invitation.teamId, userId: input.userId });
  if (role !== "owner" && role !== "admin") throw new NotFoundError("invitation", input.invitationId);
  const token = randomBytes(32).toString("base64url");
  await setInvitationToken(db, { invitationId: invitation.id, tokenHash: hashInviteToken(token), expiresAt: invitation.expiresAt });
  return { token };
};

/** The invitation a sign-up came from: the invite page sends its own path (/invite/<id>?token=…) as the sign-up's callbackURL. */
export const invitationInPath = (path: unknown): { invitationId: string; token: string } | null => {
  if (typeof path !== "string") return null;
  const match = /^\/invite\/([^/?#]{1,200})\?token=([\w-]{16,128})$/.exec(path);
  if (!match) return null;
  try {
    return { invitationId: decodeURIComponent(match[1]!), token: match[2]! };
  } catch {
    return null;
  }
};

/**
 * True when a new account signs up through a live invite link made for its address: it is about to join that
 * team, so it gets no empty team of its own first. Checked, not spent: accepting still needs the token.
 */
export const signsUpThroughInvitation = async (db: DbClient, user: { email: string }, callbackURL: unknown): Promise<boolean> => {
  const link = invitationInPath(callbackURL);
  if (!link) return false;
  const invitation = await getPendingInvitation(db, link.invitationId).catch(() => null);
  if (!invitation || !sameEmail(invitation.email, user.email)) return false;
  return invitationTokenMatches(db, { invitationId: invitation.id, tokenHash: hashInviteToken(link.token) });
};

/**
 * Joins the invitation's team when the token matches (spent here) and the signed-in account has the invitee's
 * address. Every refusal is the same NotFoundError: a guesser learns nothing about which part was wrong.
 */
export const acceptInvitation = (db: DbClient, input: { invitationId: string; token: string; userId: string; email: string }): Promise<{ teamId: string }> =>
  withTransaction(db, async (tx) => {
    const invitation = await getPendingInvitation(tx, input.invitationId);
    if (!sameEmail(invitation.email, input.email)) throw new NotFoundError("invitation", input.invitationId);
    if (!(await consumeInvitationToken(tx, { invitationId: invitation.id, tokenHash: hashInviteToken(input.token) }))) throw new NotFoundError("invitation", input.invitationId);
    if ((await getMemberRole(tx, { teamId: invitation.teamId, userId: input.userId })) === null) {
      await addMember(tx, { teamId: invitation.teamId, userId: input.userId, role: invitation.role === "admin" ? "admin" : "member" });
    }
    await markInvitationAccepted(tx, invitation.id);
    return { teamId: invitation.teamId };
  });
