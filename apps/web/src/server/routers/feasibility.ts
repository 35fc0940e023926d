import { Plan } from "@headroom/estimator";
import { suggest } from "@headroom/rules";
import { checkPlan } from "../../lib/check-plan.ts";
import { getMeasuredRuns } from "../measured-runs.ts";
import { publicProcedure, router } from "../trpc.ts";

/** Pure and session-free: parse the plan, estimate, evaluate (suggest only on request). */
export const feasibilityRouter = router({
  check: publicProcedure.input(Plan).query(({ input }) => checkPlan(input, getMeasuredRuns())),
  suggest: publicProcedure.input(Plan).query(({ input }) => suggest(input, { measured: getMeasuredRuns() })),
});
