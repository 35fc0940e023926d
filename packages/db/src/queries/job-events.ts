import { withTransaction, type DbClient } from "../client.ts";
import type { JsonObject } from "../json/json.ts";
import type { JobEventType } from "./job-vocabulary.ts";
import { assertTeamJob, rethrowNotFound } from "./not-found.ts";

export type JobEventInput = { type: JobEventType; payload: JsonObject; at?: Date };
export type JobEventDto = { jobId: string; seq: number; type: JobEventType; payload: JsonObject; at: Date };

const select = { jobId: true, seq: true, type: true, payload: true, at: true } as const;

/**
 * Appends events in order with the next sequence numbers (1, 2, 3 … per job). The job row's counter is bumped
 * under its row lock, so concurrent appenders never collide. Throws NotFoundError for an unknown job.
 */
export const appendJobEvents = async (db: DbClient, jobId: string, events: readonly JobEventInput[]): Promise<JobEventDto[]> => {
  if (events.length === 0) return [];
  return withTransaction(db, async (tx) => {
    const { lastEventSeq } = await tx.job
      .update({ where: { id: jobId }, data: { lastEventSeq: { increment: events.length } }, select: { lastEventSeq: true } })
      .catch(rethrowNotFound("job", jobId));
    const first = lastEventSeq - events.length + 1;
    const rows = events.map((event, i) => ({ jobId, seq: first + i, type: event.type, payload: event.payload, at: event.at ?? new Date() }));
    await tx.jobEvent.createMany({ data: rows });
    return rows;
  });
};

/** The team's job's events after `afterSeq` (a live page polls with the last seq it has). */
export const listJobEvents = async (
  db: DbClient,
  input: { teamId: string; jobId: string; afterSeq?: number; limit?: number },
): Promise<JobEventDto[]> => {
  await assertTeamJob(db, input.teamId, input.jobId);
  const rows = await db.jobEvent.findMany({
    where: { jobId: input.jobId, seq: { gt: input.afterSeq ?? 0 } },
    select,
    orderBy: { seq: "asc" },
    take: Math.min(Math.max(input.limit ?? 500, 1), 5000),
  });
  return rows.map((row) => ({ ...row, payload: row.payload as JsonObject }));
};
