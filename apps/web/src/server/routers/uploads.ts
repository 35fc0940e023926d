import { z } from "zod";
import { getAssets } from "../data.ts";
import { router, teamProcedure } from "../trpc.ts";

// The bytes arrive through POST /api/uploads (streamed to storage); this router reads what was recorded.
export const uploadsRouter = router({
  get: teamProcedure.input(z.object({ id: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const [asset] = await getAssets(ctx.db, { teamId: ctx.teamId, ids: [input.id] });
    return asset!;
  }),
});
