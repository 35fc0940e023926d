import { getTeam, listMembers } from "../data.ts";
import { router, teamProcedure } from "../trpc.ts";

export const teamRouter = router({
  current: teamProcedure.query(async ({ ctx }) => ({ team: await getTeam(ctx.db, ctx.teamId), viewer: ctx.viewer })),
  members: teamProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.teamId)),
});
