import type { DbClient } from "../client.ts";
import { assertTeamJob, rethrowNotFound } from "./not-found.ts";

export type ArtifactKind = "video" | "log" | "measurement";

export type ArtifactDto = { id: string; jobId: string; kind: ArtifactKind; path: string; bytes: number; mime: string; createdAt: Date };

const select = { id: true, jobId: true, kind: true, path: true, bytes: true, mime: true, createdAt: true } as const;
const toDto = (row: Omit<ArtifactDto, "bytes"> & { bytes: bigint }): ArtifactDto => ({ ...row, bytes: Number(row.bytes) });

/** Records a file the worker stored for a job (path relative to the storage root). */
export const recordArtifact = async (
  db: DbClient,
  input: { jobId: string; kind: ArtifactKind; path: string; bytes: number; mime: string },
): Promise<ArtifactDto> =>
  toDto(
    await db.artifact
      .create({ data: { ...input, bytes: BigInt(input.bytes) }, select })
      .catch(rethrowNotFound("job", input.jobId)),
  );

/** The team's job's artifacts, oldest first. */
export const listArtifacts = async (db: DbClient, input: { teamId: string; jobId: string }): Promise<ArtifactDto[]> => {
  await assertTeamJob(db, input.teamId, input.jobId);
  const rows = await db.artifact.findMany({ where: { jobId: input.jobId }, select, orderBy: { createdAt: "asc" } });
  return rows.map(toDto);
};

/**
 * Records a job's file once per path: a second upload of the same path (a retried request, or the job's next attempt
 * rewriting its files) updates the row instead of adding another.
 */
export const storeArtifact = async (
  db: DbClient,
  input: { jobId: string; kind: ArtifactKind; path: string; bytes: number; mime: string },
): Promise<ArtifactDto> => {
  const existing = await db.artifact.findFirst({ where: { jobId: input.jobId, path: input.path }, select: { id: true } });
  if (!existing) return recordArtifact(db, input);
  return toDto(await db.artifact.update({ where: { id: existing.id }, data: { kind: input.kind, bytes: BigInt(input.bytes), mime: input.mime }, select }));
};

/** The job's file recorded under this path, if any (no team check: the worker API has checked the host's claim). */
export const findJobArtifact = async (db: DbClient, input: { jobId: string; path: string }): Promise<ArtifactDto | null> => {
  const row = await db.artifact.findFirst({ where: { jobId: input.jobId, path: input.path }, select });
  return row ? toDto(row) : null;
};
