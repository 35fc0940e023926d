import { feasibilityRouter } from "./routers/feasibility.ts";
import { hostsRouter } from "./routers/hosts.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { reportsRouter } from "./routers/reports.ts";
import { teamRouter } from "./routers/team.ts";
import { uploadsRouter } from "./routers/uploads.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  feasibility: feasibilityRouter,
  reports: reportsRouter,
  jobs: jobsRouter,
  hosts: hostsRouter,
  uploads: uploadsRouter,
  team: teamRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
