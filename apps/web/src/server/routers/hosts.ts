import { listWorkerHosts } from "../data.ts";
import { router, userProcedure } from "../trpc.ts";

/** GPU hosts serve every team: any signed-in person may see the inventory. */
export const hostsRouter = router({
  list: userProcedure.query(({ ctx }) => listWorkerHosts(ctx.db)),
});
