// @headroom/db: the only place Prisma lives. Query functions take the client (or a transaction) first and
// return DTOs; JSON columns come back parsed with the shared zod schemas.
export { createDb, getDb, withTransaction, type Db, type DbClient } from "./client.ts";
export { NotFoundError } from "./errors.ts";
export { env } from "./env.ts";
export { startDatabase, type RunningDatabase, type StartDatabaseOptions } from "./embedded-postgres.ts";
export { freePort } from "./free-port.ts";
export { migrate, MIGRATIONS_DIR, type AppliedMigration } from "./migrate.ts";
export { openDatabase, type OpenDatabase } from "./open-database.ts";
export { GPU_LINK_KINDS, GpuInventory, GpuLink, HostInventory } from "./host-inventory.ts";
export { EstimateJson, predictedPeakBytes } from "./json/estimate.ts";
export { FindingJson, VerdictJson } from "./json/verdict.ts";
export type { Json, JsonObject } from "./json/json.ts";
export {
  decodeVramSamples,
  encodeVramSamples,
  flattenVramChunks,
  VRAM_SAMPLE_BYTES,
  VRAM_SAMPLE_MAX_MIB,
  type VramChunk,
} from "./vram-samples.ts";
export {
  JOB_ERROR_CLASSES,
  JOB_EVENT_TYPES,
  JOB_RUNNERS,
  JOB_STATES,
  type JobErrorClass,
  type JobEventType,
  type JobRunner,
  type JobState,
} from "./queries/job-vocabulary.ts";
export {
  addMember,
  createTeam,
  createUser,
  getMemberRole,
  getTeam,
  listMembers,
  listUserTeams,
  type MemberDto,
  type MemberRole,
  type TeamDto,
  type UserDto,
  type UserTeamDto,
} from "./queries/teams.ts";
export {
  createFeasibilityReport,
  getFeasibilityReport,
  newReportId,
  type FeasibilityReportDto,
} from "./queries/feasibility-reports.ts";
export {
  createJob,
  getJob,
  getJobById,
  updateJob,
  type CreateJobInput,
  type JobDto,
  type JobPatch,
} from "./queries/jobs.ts";
export { listJobs, LIST_JOBS_MAX_LIMIT, type JobPage, type JobSummaryDto, type ListJobsInput } from "./queries/list-jobs.ts";
export { appendJobEvents, listJobEvents, type JobEventDto, type JobEventInput } from "./queries/job-events.ts";
export { storeJobEventBatch, storeVramBatch, type ReportBatchKey, type RunningPatch } from "./queries/job-reports.ts";
export {
  appendVramSamples,
  getVramSeries,
  VRAM_SAMPLE_INTERVAL_MS,
  type AppendVramSamplesInput,
  type VramTraceDto,
} from "./queries/vram-series.ts";
export {
  HOST_ONLINE_WINDOW_MS,
  hostServesTeam,
  listWorkerHosts,
  upsertWorkerHost,
  type UpsertWorkerHostInput,
  type WorkerHostDto,
} from "./queries/worker-hosts.ts";
export { consumeInvitationToken, getPendingInvitation, invitationTokenMatches, markInvitationAccepted, setInvitationToken, type InvitationDto } from "./queries/invitations.ts";
export { createAsset, getAssets, type AssetDto, type AssetKind, type CreateAssetInput } from "./queries/assets.ts";
export { findJobArtifact, listArtifacts, recordArtifact, storeArtifact, type ArtifactDto, type ArtifactKind } from "./queries/artifacts.ts";
export {
  createHostToken,
  findHeldJob,
  hashHostSecret,
  listHostTokens,
  revokeHostToken,
  revokeLocalHostTokens,
  tokenAllowsTeam,
  verifyHostToken,
  type HeldJob,
  type HostTokenDto,
} from "./queries/host-tokens.ts";
export {
  ALL_QUEUE_NAMES,
  cancelJob,
  cancelQueuedJob,
  checkJobOwner,
  CPU_INVENTORY,
  createQueue,
  enqueueJob,
  fetchQueuedJob,
  GPU_COUNT_BUCKETS,
  isTransientError,
  QUEUE_SCHEMA,
  QueueJobData,
  queueNameFor,
  queuesServedBy,
  settleJob,
  startClaimedJob,
  sweepLostJobs,
  TRANSIENT_ERROR_CLASSES,
  VRAM_BUCKET_GIB,
  VRAM_BUCKETS,
  type JobOutcome,
  type JobOwner,
  type Queue,
  type ClaimScope,
  type QueueClaim,
  type QueueOptions,
  type SweepOptions,
  type SweptJob,
} from "./queue.ts";
