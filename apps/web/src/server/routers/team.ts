import { z } from "zod";
import { getTeam, listMembers, listUserTeams } from "../data.ts";
import { createOwnedTeam } from "../teams.ts";
import { router, teamProcedure, userProcedure } from "../trpc.ts";

export const TeamName = z.string().trim().min(1, "Name the team.").max(60, "Keep the team's name to 60 characters.");

export const teamRouter = router({
  current: teamProcedure.query(async ({ ctx }) => ({ team: await getTeam(ctx.db, ctx.teamId), viewer: ctx.viewer })),
  members: teamProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.teamId)),
  /** Every team the viewer belongs to, marking the one they act in (the switcher's list; switching is better-auth's setActive). */
  list: userProcedure.query(async ({ ctx }) =>
    (await listUserTeams(ctx.db, ctx.viewer.userId)).map((team) => ({ ...team, isActive: team.id === ctx.viewer.teamId })),
  ),
  /** Another team with the viewer as its owner; the browser then makes it the active team. */
  create: userProcedure.input(z.object({ name: TeamName })).mutation(({ ctx, input }) => createOwnedTeam(ctx.db, { name: input.name, userId: ctx.viewer.userId })),
});
