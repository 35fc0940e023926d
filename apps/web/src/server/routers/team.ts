import { z } from "zod";
import { getTeam, listMembers, listUserTeams } from "../data.ts";
import { acceptInvitation, issueInviteToken } from "../invitations.ts";
import { createOwnedTeam } from "../teams.ts";
import { router, teamProcedure, userProcedure } from "../trpc.ts";

export const TeamName = z.string().trim().min(1, "Name the team.").max(60, "Keep the team's name to 60 characters.");

const InvitationId = z.string().min(1).max(64);
const InviteToken = z.string().min(16).max(128);

export const teamRouter = router({
  current: teamProcedure.query(async ({ ctx }) => ({ team: await getTeam(ctx.db, ctx.teamId), viewer: ctx.viewer })),
  members: teamProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.teamId)),
  /** Every team the viewer belongs to, marking the one they act in (the switcher's list; switching is better-auth's setActive). */
  list: userProcedure.query(async ({ ctx }) =>
    (await listUserTeams(ctx.db, ctx.viewer.userId)).map((team) => ({ ...team, isActive: team.id === ctx.viewer.teamId })),
  ),
  /** Another team with the viewer as its owner; the browser then makes it the active team. */
  create: userProcedure.input(z.object({ name: TeamName })).mutation(({ ctx, input }) => createOwnedTeam(ctx.db, { name: input.name, userId: ctx.viewer.userId })),
  /** The one-time token for an invitation's link (owners and admins); a new one replaces the last. */
  inviteLink: userProcedure.input(z.object({ invitationId: InvitationId })).mutation(({ ctx, input }) => issueInviteToken(ctx.db, { invitationId: input.invitationId, userId: ctx.viewer.userId })),
  /** Joins the team with the link's token, signed in with the invitee's address; the browser then makes it active. */
  acceptInvitation: userProcedure
    .input(z.object({ invitationId: InvitationId, token: InviteToken }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, { ...input, userId: ctx.viewer.userId, email: ctx.viewer.email })),
});
