import { z } from "zod";
import { newHostToken, revokeTeamHostToken, teamHostTokens } from "../host-tokens.ts";
import { listTeamHosts } from "../team-hosts.ts";
import { router, teamProcedure, userProcedure } from "../trpc.ts";

const TokenName = z.string().trim().min(1, "Name the token (e.g. the machine it is for).").max(60, "Keep the name to 60 characters.");

/** Any signed-in person may see every host's inventory (and whether it takes their team's jobs); a job's id only its own team. */
export const hostsRouter = router({
  list: userProcedure.query(async ({ ctx }) =>
    (await listTeamHosts(ctx.db, ctx.viewer.teamId)).map(({ currentJob, ...host }) => ({
      ...host,
      currentJob: currentJob && { runner: currentJob.runner, startedAt: currentJob.startedAt, id: currentJob.teamId === ctx.viewer.teamId ? currentJob.id : null },
    })),
  ),
  tokens: teamProcedure.query(({ ctx }) => teamHostTokens(ctx.db, ctx)),
  createToken: teamProcedure.input(z.object({ name: TokenName })).mutation(({ ctx, input }) => newHostToken(ctx.db, ctx, input.name)),
  revokeToken: teamProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(({ ctx, input }) => revokeTeamHostToken(ctx.db, ctx, input.id)),
});
