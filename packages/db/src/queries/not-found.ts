import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";

// P2025: the row to update is missing. P2003: a foreign key points at a missing row.
const MISSING_ROW_CODES = ["P2025", "P2003"];

/** A `.catch` handler: Prisma's missing-row errors become NotFoundError; anything else is rethrown. */
export const rethrowNotFound =
  (entity: string, id: string) =>
  (error: unknown): never => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && MISSING_ROW_CODES.includes(error.code)) {
      throw new NotFoundError(entity, id);
    }
    throw error;
  };

/** Throws NotFoundError unless the job exists and belongs to the team. */
export const assertTeamJob = async (db: DbClient, teamId: string, jobId: string): Promise<void> => {
  if ((await db.job.count({ where: { id: jobId, teamId } })) === 0) throw new NotFoundError("job", jobId);
};
