import type { DbClient, JobDto, Queue } from "@headroom/db";
import { cancelJob, getJob } from "./data.ts";

export type CancelOutcome = { kind: "cancelled" | "finished"; job: JobDto };

/** The team's job only: a queued one leaves the queue at once, a running one is stopped by its worker. */
export const cancelTeamJob = async (db: DbClient, queue: Queue, input: { teamId: string; id: string }): Promise<CancelOutcome> => {
  const job = await getJob(db, input);
  const state = await cancelJob(db, queue, job.id);
  return { kind: state === "cancelled" ? "cancelled" : "finished", job: await getJob(db, input) };
};
