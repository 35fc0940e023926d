import { sweepLostJobs, type DbClient, type Queue, type SweepOptions, type SweptJob } from "@headroom/db";

/**
 * Settles jobs that can no longer finish (their host stopped heartbeating, their queue claim expired, a claim that
 * never started, one its own host no longer runs): queued again while retries are left, else failed as lost. Every
 * worker runs it; it is idempotent.
 */
export const sweepOnce = async (
  db: DbClient,
  queue: Queue,
  options: { lostAfterMs: number; self?: SweepOptions["self"]; log: (line: string) => void },
): Promise<SweptJob[]> => {
  const swept = await sweepLostJobs(db, queue, { staleAfterMs: options.lostAfterMs, ...(options.self && { self: options.self }) });
  for (const job of swept) options.log(`job ${job.jobId} lost (${job.reason}): now ${job.state}`);
  return swept;
};
