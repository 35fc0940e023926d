// @headroom/db runs unbundled: it finds its SQL migrations and data folder from import.meta.url, which a bundle
// would rewrite. Node loads it at run time (TypeScript through tsx: NODE_OPTIONS in package.json); every server
// module takes the database functions from here. Types come straight from "@headroom/db" (`import type`).
import type * as Data from "@headroom/db";

const data: typeof Data = await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@headroom/db");

export const {
  openDatabase,
  withTransaction,
  NotFoundError,
  JOB_STATES,
  JOB_RUNNERS,
  createTeam,
  createUser,
  addMember,
  getTeam,
  listMembers,
  listUserTeams,
  getMemberRole,
  createFeasibilityReport,
  getFeasibilityReport,
  createJob,
  getJob,
  updateJob,
  listJobs,
  listJobEvents,
  getVramSeries,
  listWorkerHosts,
  createAsset,
  getPendingInvitation,
  setInvitationToken,
  consumeInvitationToken,
  invitationTokenMatches,
  markInvitationAccepted,
  getAssets,
  listArtifacts,
  createQueue,
  enqueueJob,
  queueNameFor,
  cancelJob,
  createHostToken,
  listHostTokens,
  revokeHostToken,
  verifyHostToken,
  findHeldJob,
  storeArtifact,
  findJobArtifact,
} = data;
