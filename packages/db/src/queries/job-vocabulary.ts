// The job words the worker, the web and the database share. Error classes keep their hyphens everywhere but in
// Prisma's enum (identifiers cannot hold "-"; the database stores the hyphenated form via @map).
import { JobErrorClass as DbJobErrorClass } from "../generated/prisma/enums.ts";

export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** probe: our re-implementation of the shapes; upstream: LiveAvatar's own code with random weights; liveavatar: the real thing. */
export const JOB_RUNNERS = ["liveavatar", "probe", "upstream"] as const;
export type JobRunner = (typeof JOB_RUNNERS)[number];

export const JOB_ERROR_CLASSES = ["out-of-memory", "bad-input", "not-installed", "timeout", "cancelled", "crashed", "lost"] as const;
export type JobErrorClass = (typeof JOB_ERROR_CLASSES)[number];

export const JOB_EVENT_TYPES = ["phase", "progress", "memory", "log", "artifact", "result", "error"] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export const JOB_ERROR_CLASS_TO_DB: Record<JobErrorClass, DbJobErrorClass> = {
  "out-of-memory": DbJobErrorClass.out_of_memory,
  "bad-input": DbJobErrorClass.bad_input,
  "not-installed": DbJobErrorClass.not_installed,
  timeout: DbJobErrorClass.timeout,
  cancelled: DbJobErrorClass.cancelled,
  crashed: DbJobErrorClass.crashed,
  lost: DbJobErrorClass.lost,
};

export const JOB_ERROR_CLASS_FROM_DB = Object.fromEntries(
  Object.entries(JOB_ERROR_CLASS_TO_DB).map(([domain, db]) => [db, domain]),
) as Record<DbJobErrorClass, JobErrorClass>;
