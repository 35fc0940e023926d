import { Plan } from "@headroom/estimator";
import { z } from "zod";
import type { DbClient } from "../client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { JOB_ERROR_CLASS_FROM_DB, type JobState } from "./job-vocabulary.ts";
import type { JobDto } from "./jobs.ts";

export const LIST_JOBS_MAX_LIMIT = 100;

/** A row of the team's job history: no estimate, no events; the host's name for display. */
export type JobSummaryDto = Pick<
  JobDto,
  "id" | "userId" | "plan" | "state" | "runner" | "progress" | "phase" | "createdAt" | "startedAt" | "finishedAt" | "errorClass" | "predictedPeakBytes" | "measuredPeakBytes"
> & { host: { id: string; name: string } | null };

export type ListJobsInput = {
  teamId: string;
  state?: JobState;
  userId?: string;
  /** The plan's GPU model (a catalog id or "custom"), read from the stored plan JSON. */
  gpu?: string;
  /** `nextCursor` from the previous page; omit for the newest jobs. */
  cursor?: string | null;
  limit?: number;
};

export type JobPage = { items: JobSummaryDto[]; nextCursor: string | null };

// Keyset cursor: the last row's (createdAt, id), opaque to callers.
const Cursor = z.tuple([z.iso.datetime(), z.string().min(1)]);
const encodeCursor = (row: { createdAt: Date; id: string }) =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
const decodeCursor = (cursor: string) => {
  let json: unknown = null;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // falls through to the schema's rejection
  }
  const parsed = Cursor.safeParse(json);
  if (!parsed.success) throw new RangeError("invalid job list cursor");
  return { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
};

const select = {
  id: true,
  userId: true,
  plan: true,
  state: true,
  runner: true,
  host: { select: { id: true, name: true } },
  progress: true,
  phase: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  errorClass: true,
  predictedPeakBytes: true,
  measuredPeakBytes: true,
} as const;

/** The team's jobs, newest first, filtered by state, member and GPU model. */
export const listJobs = async (db: DbClient, input: ListJobsInput): Promise<JobPage> => {
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 20), 1), LIST_JOBS_MAX_LIMIT);
  const where: Prisma.JobWhereInput = {
    teamId: input.teamId,
    ...(input.state && { state: input.state }),
    ...(input.userId && { userId: input.userId }),
    ...(input.gpu && { plan: { path: ["hardware", "gpu"], equals: input.gpu } }),
  };
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
  }
  const rows = await db.job.findMany({ where, select, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      ...row,
      plan: Plan.parse(row.plan),
      errorClass: row.errorClass === null ? null : JOB_ERROR_CLASS_FROM_DB[row.errorClass],
      predictedPeakBytes: row.predictedPeakBytes === null ? null : Number(row.predictedPeakBytes),
      measuredPeakBytes: row.measuredPeakBytes === null ? null : Number(row.measuredPeakBytes),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
};

