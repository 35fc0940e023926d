import { Plan, type Estimate } from "@headroom/estimator";
import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import { EstimateJson, predictedPeakBytes } from "../json/estimate.ts";
import { JOB_ERROR_CLASS_FROM_DB, JOB_ERROR_CLASS_TO_DB, type JobErrorClass, type JobRunner, type JobState } from "./job-vocabulary.ts";

export type JobDto = {
  id: string;
  teamId: string;
  userId: string;
  plan: Plan;
  /** LiveAvatar's --prompt; null on jobs from before prompts were stored. */
  prompt: string | null;
  inputAssetIds: string[];
  state: JobState;
  runner: JobRunner;
  hostId: string | null;
  attempts: number;
  /** 0..1 */
  progress: number;
  phase: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorClass: JobErrorClass | null;
  errorMessage: string | null;
  predictedPeakBytes: number | null;
  measuredPeakBytes: number | null;
  estimate: Estimate | null;
};

export const jobSelect = {
  id: true,
  teamId: true,
  userId: true,
  plan: true,
  prompt: true,
  inputAssetIds: true,
  state: true,
  runner: true,
  hostId: true,
  attempts: true,
  progress: true,
  phase: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  errorClass: true,
  errorMessage: true,
  predictedPeakBytes: true,
  measuredPeakBytes: true,
  estimate: true,
} as const;

type JobRow = Omit<JobDto, "plan" | "estimate" | "errorClass" | "predictedPeakBytes" | "measuredPeakBytes"> & {
  plan: unknown;
  estimate: unknown;
  errorClass: keyof typeof JOB_ERROR_CLASS_FROM_DB | null;
  predictedPeakBytes: bigint | null;
  measuredPeakBytes: bigint | null;
};

const toNumber = (value: bigint | null) => (value === null ? null : Number(value));

export const toJobDto = (row: JobRow): JobDto => ({
  ...row,
  plan: Plan.parse(row.plan),
  estimate: row.estimate === null ? null : EstimateJson.parse(row.estimate),
  errorClass: row.errorClass === null ? null : JOB_ERROR_CLASS_FROM_DB[row.errorClass],
  predictedPeakBytes: toNumber(row.predictedPeakBytes),
  measuredPeakBytes: toNumber(row.measuredPeakBytes),
});

export type CreateJobInput = {
  teamId: string;
  userId: string;
  plan: Plan;
  runner: JobRunner;
  /** Validated by the caller (the web's submit input); stored as given. */
  prompt?: string | null;
  inputAssetIds?: string[];
  /** The estimate shown at submit time; its largest per-GPU peak becomes predictedPeakBytes. */
  estimate?: Estimate | null;
};

/**
 * Inserts a queued job. Pass the transaction client from `withTransaction` to enqueue it in the same
 * transaction. Throws NotFoundError when an input asset is missing or belongs to another team.
 */
export const createJob = async (db: DbClient, input: CreateJobInput): Promise<JobDto> => {
  const assetIds = input.inputAssetIds ?? [];
  const unique = [...new Set(assetIds)];
  if (unique.length > 0) {
    const owned = await db.asset.findMany({ where: { id: { in: unique }, teamId: input.teamId }, select: { id: true } });
    const missing = unique.find((id) => !owned.some((asset) => asset.id === id));
    if (missing) throw new NotFoundError("asset", missing);
  }
  const estimate = input.estimate ?? null;
  const row = await db.job.create({
    data: {
      teamId: input.teamId,
      userId: input.userId,
      plan: input.plan,
      prompt: input.prompt ?? null,
      runner: input.runner,
      inputAssetIds: assetIds,
      ...(estimate && { estimate, predictedPeakBytes: BigInt(Math.round(predictedPeakBytes(estimate))) }),
    },
    select: jobSelect,
  });
  return toJobDto(row);
};

/** A team's job. Another team's job is reported exactly like a missing one. */
export const getJob = async (db: DbClient, input: { teamId: string; id: string }): Promise<JobDto> => {
  const row = await db.job.findFirst({ where: { id: input.id, teamId: input.teamId }, select: jobSelect });
  if (!row) throw new NotFoundError("job", input.id);
  return toJobDto(row);
};

/** Unscoped, for the worker (it acts for every team): never expose through a user-facing router. */
export const getJobById = async (db: DbClient, id: string): Promise<JobDto> => {
  const row = await db.job.findUnique({ where: { id }, select: jobSelect });
  if (!row) throw new NotFoundError("job", id);
  return toJobDto(row);
};

export type JobPatch = Partial<{
  state: JobState;
  hostId: string | null;
  attempts: number;
  progress: number;
  phase: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorClass: JobErrorClass | null;
  errorMessage: string | null;
  measuredPeakBytes: number | null;
}>;

/**
 * The worker's write path. With `ifStateIn`, the update happens only while the job is in one of those states
 * (compare-and-set: a cancel racing a finish); returns null when nothing was updated.
 */
export const updateJob = async (
  db: DbClient,
  id: string,
  patch: JobPatch,
  options: { ifStateIn?: JobState[] } = {},
): Promise<JobDto | null> => {
  const { errorClass, measuredPeakBytes, ...rest } = patch;
  const { count } = await db.job.updateMany({
    where: { id, ...(options.ifStateIn && { state: { in: options.ifStateIn } }) },
    data: {
      ...rest,
      ...(errorClass !== undefined && { errorClass: errorClass === null ? null : JOB_ERROR_CLASS_TO_DB[errorClass] }),
      ...(measuredPeakBytes !== undefined && {
        measuredPeakBytes: measuredPeakBytes === null ? null : BigInt(Math.round(measuredPeakBytes)),
      }),
    },
  });
  return count === 0 ? null : getJobById(db, id);
};
