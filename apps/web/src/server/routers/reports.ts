import { Plan } from "@headroom/estimator";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { checkPlan } from "../../lib/check-plan.ts";
import { getMeasuredRuns } from "../measured-runs.ts";
import { createFeasibilityReport, getFeasibilityReport } from "../data.ts";
import { publicProcedure, router, teamProcedure } from "../trpc.ts";

const ReportId = z.object({ id: z.string().min(16).max(64) });

export const reportsRouter = router({
  /** Snapshots the server's own check of the plan (never the browser's numbers) behind an unguessable id. */
  create: teamProcedure.input(z.object({ plan: Plan })).mutation(async ({ ctx, input }) => {
    const report = await createFeasibilityReport(ctx.db, { plan: input.plan, ...checkPlan(input.plan, getMeasuredRuns()), teamId: ctx.teamId, createdById: ctx.userId });
    return { id: report.id };
  }),
  /** The team's own report with its provenance; another team's id is not found. */
  get: teamProcedure.input(ReportId).query(async ({ ctx, input }) => {
    const report = await getFeasibilityReport(ctx.db, input.id);
    if (report.teamId !== ctx.teamId) throw new TRPCError({ code: "NOT_FOUND", message: `feasibility report ${input.id} not found` });
    return report;
  }),
  /** What a share link shows anyone holding it: the snapshot only (no team, author or uploads). */
  shared: publicProcedure.input(ReportId).query(async ({ ctx, input }) => {
    const { id, plan, estimate, verdict, estimatorVersion, createdAt } = await getFeasibilityReport(ctx.db, input.id);
    return { id, plan, estimate, verdict, estimatorVersion, createdAt };
  }),
});
