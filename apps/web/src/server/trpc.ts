import type { Db, Queue } from "@headroom/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { NotFoundError, getMemberRole } from "./data.ts";
import { DATABASE_UNAVAILABLE, isDatabaseDown, logServerError, redactInternals, toPublicError } from "./public-error.ts";
import type { Viewer } from "./viewer.ts";

export type Context = {
  db: Db;
  storageDir: string;
  /** Resolved on first use: the feasibility procedures never touch the session. */
  viewer: () => Promise<Viewer | null>;
  /** pg-boss, started: jobs are enqueued in the transaction that stores them. */
  queue: Queue;
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // What a client reads: our own TRPCErrors in their words, anything unexpected as one fixed sentence (logged in full); never a stack.
  errorFormatter: ({ shape, error }) => {
    const message = error.code === "INTERNAL_SERVER_ERROR" ? toPublicError(error.cause ?? error).message : redactInternals(shape.message);
    const data: Partial<typeof shape.data> = { ...shape.data };
    delete data.stack;
    return { ...shape, message, data };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one place domain errors become TRPCErrors: a missing row and another team's row look the same. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof NotFoundError) {
    throw new TRPCError({ code: "NOT_FOUND", message: result.error.cause.message, cause: result.error.cause });
  }
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && isDatabaseDown(result.error.cause)) {
    logServerError(result.error.cause);
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_UNAVAILABLE, cause: result.error.cause });
  }
  if (!result.ok && result.error.cause instanceof RangeError) {
    throw new TRPCError({ code: "BAD_REQUEST", message: result.error.cause.message, cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const userProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const viewer = await ctx.viewer();
  if (!viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { viewer } });
});

/** The viewer acting in a team they belong to: every team-scoped query takes ctx.teamId. */
export const teamProcedure = userProcedure.use(async ({ ctx, next }) => {
  const { teamId, userId } = ctx.viewer;
  if (!teamId || (await getMemberRole(ctx.db, { teamId, userId })) === null) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of a team yet" });
  }
  return next({ ctx: { teamId, userId } });
});
