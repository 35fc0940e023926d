// The job queue: pg-boss 10 (schema "pgboss") in the same PostgreSQL as the job rows, so a job is enqueued in the
// transaction that creates its row. The job row stays the truth (state, attempts, host); pg-boss hands each queued
// job to exactly one worker (SKIP LOCKED), retries transient failures with backoff and expires abandoned claims.
import { GIB, GPU_CATALOG, Plan, resolveGpu } from "@headroom/estimator";
import PgBoss from "pg-boss";
import { z } from "zod";
import { withTransaction, type DbClient } from "./client.ts";
import { NotFoundError } from "./errors.ts";
import type { HostInventory } from "./host-inventory.ts";
import { appendJobEvents } from "./queries/job-events.ts";
import { getJobById, updateJob, type JobDto, type JobPatch } from "./queries/jobs.ts";
import { JOB_RUNNERS, type JobErrorClass, type JobRunner, type JobState } from "./queries/job-vocabulary.ts";

export const QUEUE_SCHEMA = "pgboss";

// ---------------------------------------------------------------------------------------------
// Host matching: a queue per (runner, GPU count, VRAM class); a host serves every queue its GPUs and installed runners satisfy.
// ---------------------------------------------------------------------------------------------

/** GPU counts a queue asks for: one job runs on one host, and hosts hold up to 8 GPUs (an HGX board). */
export const GPU_COUNT_BUCKETS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
/** VRAM classes, named by GiB. */
export const VRAM_BUCKET_GIB = [16, 24, 32, 48, 80, 141, 180] as const;

/** Each class takes plans needing up to the largest catalog card's usable VRAM under its label (the label where none is). */
export const VRAM_BUCKETS: readonly { gib: number; needBytes: number }[] = VRAM_BUCKET_GIB.map((gib) => {
  const inside = Object.values(GPU_CATALOG).map((gpu) => gpu.usableBytes).filter((bytes) => bytes <= gib * GIB);
  return { gib, needBytes: inside.length > 0 ? Math.max(...inside) : gib * GIB };
});

// Catalog sizes are rounded to 0.01 GiB; a card's own report may sit a fraction under them (as in the worker's hostCanRun).
const ROUNDING_SLACK_BYTES = 64 * 1024 * 1024;

/**
 * The runner is in the name so a host without LiveAvatar never claims a LiveAvatar job. The probe keeps the names it
 * had before runners were (`run.g<count>.v<GiB>`), so jobs queued before then are still served.
 */
const queueName = (runner: JobRunner, count: number, gib: number) => `run.${runner === "probe" ? "" : `${runner}.`}g${count}.v${gib}`;

const everyShape = (runner: JobRunner): string[] => GPU_COUNT_BUCKETS.flatMap((count) => VRAM_BUCKETS.map((b) => queueName(runner, count, b.gib)));

export const ALL_QUEUE_NAMES: readonly string[] = JOB_RUNNERS.flatMap(everyShape);

/** `run.[<runner>.]g<count>.v<GiB class>` for the job's runner, the plan's GPU count and its GPU's usable VRAM. Throws where no class is large enough. */
export const queueNameFor = (plan: Plan, runner: JobRunner): string => {
  const needBytes = resolveGpu(plan.hardware).usableBytes;
  const count = GPU_COUNT_BUCKETS.find((c) => c >= plan.hardware.count);
  const vram = VRAM_BUCKETS.find((b) => b.needBytes >= needBytes);
  if (count === undefined || vram === undefined) {
    throw new RangeError(`no queue takes ${plan.hardware.count} GPUs of ${(needBytes / GIB).toFixed(2)} GiB`);
  }
  return queueName(runner, count, vram.gib);
};

/** A worker without GPUs that runs tiny probe plans on the CPU (tests, `npm start` on a laptop): it takes every queue. */
export const CPU_INVENTORY = "cpu";

/**
 * The queues a host takes, for each runner installed on it: (count, class) when `count` of its GPUs each hold the
 * class (usable = total − driver-reserved). A CPU host takes every shape but never LiveAvatar (as matchHosts says).
 */
export const queuesServedBy = (inventory: HostInventory | typeof CPU_INVENTORY, runners: readonly JobRunner[]): string[] => {
  if (inventory === CPU_INVENTORY) {
    return runners.filter((runner) => runner !== "liveavatar").flatMap(everyShape);
  }
  const usable = inventory.gpus.map((gpu) => gpu.totalBytes - (gpu.reservedBytes ?? 0) + ROUNDING_SLACK_BYTES).sort((a, b) => b - a);
  return runners.flatMap((runner) => GPU_COUNT_BUCKETS.flatMap((count) => {
    const nth = usable[count - 1];
    return nth === undefined ? [] : VRAM_BUCKETS.filter((b) => nth >= b.needBytes).map((b) => queueName(runner, count, b.gib));
  }));
};

// ---------------------------------------------------------------------------------------------
// pg-boss
// ---------------------------------------------------------------------------------------------

/** Failures worth another attempt; the rest (out-of-memory, bad-input, not-installed, cancelled) are final. */
export const TRANSIENT_ERROR_CLASSES: readonly JobErrorClass[] = ["crashed", "lost", "timeout"];
export const isTransientError = (errorClass: JobErrorClass): boolean => TRANSIENT_ERROR_CLASSES.includes(errorClass);

export type QueueOptions = {
  /** Retries after a transient failure; default 2 (three attempts). */
  retryLimit?: number;
  /** First retry delay; doubles per retry, with jitter. Default 30 s. */
  retryDelaySeconds?: number;
  /** How long a claim may stay active before pg-boss expires it; longer than the worker's job timeout (6 h). */
  expireInSeconds?: number;
  /** pg-boss maintenance (expiry, archiving); default 60 s. */
  maintenanceIntervalSeconds?: number;
  onError?: (error: Error) => void;
};

export type Queue = {
  boss: PgBoss;
  settings: { retryLimit: number; retryDelaySeconds: number; expireInSeconds: number };
  /** Installs or migrates the pgboss schema and creates every queue that is missing. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

export const createQueue = (url: string, options: QueueOptions = {}): Queue => {
  const settings = {
    retryLimit: options.retryLimit ?? 2,
    retryDelaySeconds: options.retryDelaySeconds ?? 30,
    expireInSeconds: options.expireInSeconds ?? 6 * 3600 + 15 * 60,
  };
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    max: 4,
    application_name: "headroom-queue",
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  boss.on("error", options.onError ?? ((error: Error) => console.error(`pg-boss: ${error.message}`)));
  return {
    boss,
    settings,
    start: async () => {
      await boss.start();
      const existing = new Set((await boss.getQueues()).map((queue) => queue.name));
      const missing = ALL_QUEUE_NAMES.filter((name) => !existing.has(name));
      if (missing.length === 0) return;
      // boss.createQueue's own function, for all missing queues in one transaction (one commit, not one per queue)
      const defaults = { policy: "standard", retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true, expireInSeconds: settings.expireInSeconds };
      await boss.getDb().executeSql(`SELECT ${QUEUE_SCHEMA}.create_queue(name, $2::json) FROM unnest($1::text[]) AS name`, [missing, JSON.stringify(defaults)]);
    },
    stop: () => boss.stop({ graceful: false, wait: true }),
  };
};

/** pg-boss's SQL through Prisma's connection: inside a transaction, the queue write commits or rolls back with it. */
const sqlIn = (db: DbClient): PgBoss.Db => ({
  executeSql: async (text: string, values: unknown[] = []) => ({
    rows: await db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values.map(toSqlParam)),
  }),
});

const toSqlParam = (value: unknown) =>
  value === undefined ? null : value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) ? JSON.stringify(value) : value;

/** A pg-boss job's state (created, retry, active, completed, cancelled, failed), null when it is not (or no longer) there. */
const bossState = async (db: DbClient, name: string, jobId: string): Promise<string | null> => {
  const rows = await db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text AS state FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND id = $2::uuid`, name, jobId);
  return rows[0]?.state ?? null;
};

/** What a queue job carries: only the id; the job row holds the rest. */
export const QueueJobData = z.object({ jobId: z.uuid() });
export type QueueJobData = z.infer<typeof QueueJobData>;

/**
 * Puts a queued job row on its plan's queue. Pass the transaction that created the row: the queue job commits
 * with it or not at all. Idempotent (the pg-boss job id is the job id). Transient failures are retried
 * `retryLimit` times with backoff; a claim older than `expireInSeconds` is expired and retried.
 */
export const enqueueJob = async (tx: DbClient, queue: Queue, input: { jobId: string; plan: Plan; runner: JobRunner }): Promise<void> => {
  const { jobId } = QueueJobData.parse({ jobId: input.jobId });
  const name = queueNameFor(input.plan, input.runner);
  if ((await tx.job.count({ where: { id: jobId } })) === 0) throw new NotFoundError("job", jobId);
  const db = sqlIn(tx);
  const { retryLimit, retryDelaySeconds, expireInSeconds } = queue.settings;
  const sent = await queue.boss.send(name, { jobId } satisfies QueueJobData, {
    id: jobId,
    singletonKey: jobId,
    retryLimit,
    retryDelay: retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds,
    db,
  });
  // null: already enqueued (fine) or the queue does not exist (the job would be lost silently)
  if (sent === null && (await bossState(tx, name, jobId)) === null) throw new Error(`queue ${name} does not exist: call queue.start() first`);
};

/** Cancels a job that has not started: the row and the queue job together. False when it is no longer queued. */
export const cancelQueuedJob = (db: DbClient, queue: Queue, jobId: string): Promise<boolean> =>
  withTransaction(db, async (tx) => {
    const job = await updateJob(tx, jobId, { state: "cancelled", finishedAt: new Date(), errorClass: "cancelled", errorMessage: "cancelled before it started" }, { ifStateIn: ["queued"] });
    if (job === null) return false;
    await queue.boss.cancel(queueNameFor(job.plan, job.runner), jobId, { db: sqlIn(tx) });
    return true;
  });

/** Cancels a queued job at once, or marks a running one cancelled (its worker sees it within a second and stops the run). */
export const cancelJob = async (db: DbClient, queue: Queue, jobId: string): Promise<JobState | null> => {
  if (await cancelQueuedJob(db, queue, jobId)) return "cancelled";
  return (await updateJob(db, jobId, { state: "cancelled" }, { ifStateIn: ["running"] })) ? "cancelled" : null;
};

// ---------------------------------------------------------------------------------------------
// The worker's side: claim, settle, sweep.
// ---------------------------------------------------------------------------------------------

export type QueueClaim = { jobId: string; queueName: string };

/**
 * What a host may claim: its queues, the teams its token names ("all" for the one-machine default's token) and the
 * runners installed on it (a LiveAvatar job queued before queue names carried the runner sits in a probe-named queue).
 */
export type ClaimScope = { queues: readonly string[]; teams: readonly string[] | "all"; runners: readonly JobRunner[] };

/**
 * Claims the oldest ready job of these queues that this host may run, in one statement (one worker wins each job).
 * pg-boss's own fetch cannot look at the job row, so this is its fetch (standard policy: every queue here is created
 * `standard`) with the row's team and runner in the WHERE: a host never holds another team's job, not even briefly.
 */
export const fetchQueuedJob = async (db: DbClient, queue: Queue, scope: ClaimScope): Promise<QueueClaim | null> => {
  if (scope.queues.length === 0 || scope.runners.length === 0 || (scope.teams !== "all" && scope.teams.length === 0)) return null;
  const rows = await db.$queryRawUnsafe<{ id: string; name: string; data: unknown }[]>(
    `WITH next AS (
       SELECT b.id FROM ${QUEUE_SCHEMA}.job b JOIN job r ON r.id = b.id::text
       WHERE b.name = ANY($1::text[]) AND b.state < 'active' AND b.start_after < now()
         AND ($2::boolean OR r."teamId" = ANY($3::text[])) AND r.runner::text = ANY($4::text[])
       ORDER BY b.priority DESC, b.created_on, b.id
       LIMIT 1
       FOR UPDATE OF b SKIP LOCKED
     )
     UPDATE ${QUEUE_SCHEMA}.job b SET state = 'active', started_on = now(),
       retry_count = CASE WHEN b.started_on IS NOT NULL THEN b.retry_count + 1 ELSE b.retry_count END
     FROM next WHERE b.name = ANY($1::text[]) AND b.id = next.id
     RETURNING b.id::text AS id, b.name, b.data`,
    [...scope.queues],
    scope.teams === "all",
    scope.teams === "all" ? [] : [...scope.teams],
    [...scope.runners],
  );
  const [job] = rows;
  if (!job) return null;
  const data = QueueJobData.safeParse(job.data);
  if (data.success && data.data.jobId === job.id) return { jobId: job.id, queueName: job.name };
  await queue.boss.complete(job.name, job.id, { skipped: "unreadable queue payload" });
  return null;
};

/** Who runs a job: the host and the attempt number it started. Every later write checks both. */
export type JobOwner = QueueClaim & { hostId: string; attempt: number };

/**
 * Marks a claimed job running on this host (attempts + 1). Null when the row is no longer queued (cancelled
 * meanwhile, or gone): its queue job is then completed and skipped.
 */
export const startClaimedJob = (db: DbClient, queue: Queue, claim: QueueClaim & { hostId: string }): Promise<JobDto | null> =>
  withTransaction(db, async (tx) => {
    const { count } = await tx.job.updateMany({
      where: { id: claim.jobId, state: "queued" },
      data: {
        state: "running", hostId: claim.hostId, attempts: { increment: 1 }, startedAt: new Date(), finishedAt: null,
        progress: 0, phase: null, errorClass: null, errorMessage: null, measuredPeakBytes: null,
      },
    });
    if (count === 1) return getJobById(tx, claim.jobId);
    await queue.boss.complete(claim.queueName, claim.jobId, { skipped: "not queued" }, { db: sqlIn(tx) });
    return null;
  });

export type JobOutcome =
  | { kind: "succeeded"; measuredPeakBytes: number | null }
  | { kind: "failed"; errorClass: JobErrorClass; message: string; phase?: string | null; measuredPeakBytes?: number | null }
  /** Given back unfinished (the worker is shutting down): queued again without using up an attempt. */
  | { kind: "released"; reason: string };

type LockedJob = { state: JobState; hostId: string | null; attempts: number; finishedAt: Date | null };

const lockJob = async (db: DbClient, jobId: string): Promise<LockedJob | null> => {
  const rows = await db.$queryRaw<LockedJob[]>`SELECT state::text AS state, "hostId", attempts, "finishedAt" FROM job WHERE id = ${jobId} FOR UPDATE`;
  return rows[0] ?? null;
};

const isOwner = (row: LockedJob | null, owner: JobOwner, states: JobState[]): row is LockedJob =>
  row !== null && states.includes(row.state) && row.hostId === owner.hostId && row.attempts === owner.attempt;

const logEvent = (db: DbClient, jobId: string, level: "info" | "warning", message: string) =>
  appendJobEvents(db, jobId, [{ type: "log", payload: { level, message, stream: "worker" } }]);

/** Fails the queue job; pg-boss requeues it (with backoff) while retries are left. The row follows: queued or failed. */
const retryOrFail = async (
  tx: DbClient,
  queue: Queue,
  claim: QueueClaim,
  failure: { errorClass: JobErrorClass | null; message: string; phase?: string | null; measuredPeakBytes?: number | null; attempts?: number },
): Promise<JobState> => {
  await queue.boss.fail(claim.queueName, claim.jobId, { errorClass: failure.errorClass, message: failure.message }, { db: sqlIn(tx) });
  const state = await bossState(tx, claim.queueName, claim.jobId);
  const common: JobPatch = { errorClass: failure.errorClass, ...(failure.attempts !== undefined && { attempts: failure.attempts }) };
  if (state === "retry" || state === "created") {
    await updateJob(tx, claim.jobId, { ...common, state: "queued", hostId: null, progress: 0, phase: null, errorMessage: `${failure.message} (will retry)` });
    await logEvent(tx, claim.jobId, "warning", `${failure.message}: queued again`);
    return "queued";
  }
  await updateJob(tx, claim.jobId, {
    ...common, state: "failed", finishedAt: new Date(), errorMessage: failure.message,
    ...(failure.phase !== undefined && { phase: failure.phase }),
    ...(failure.measuredPeakBytes !== undefined && { measuredPeakBytes: failure.measuredPeakBytes }),
  });
  await logEvent(tx, claim.jobId, "warning", `${failure.message}: no attempts left`);
  return "failed";
};

/**
 * Records how this host's run of a job ended, with the queue job, in one transaction: succeeded, failed for good,
 * queued again (transient failure with retries left, or released), or cancelled (the row was cancelled while it
 * ran). Returns the row's new state; null when the job is no longer this owner's (swept as lost meanwhile).
 */
export const settleJob = (db: DbClient, queue: Queue, owner: JobOwner, outcome: JobOutcome): Promise<JobState | null> =>
  withTransaction(db, async (tx) => {
    const row = await lockJob(tx, owner.jobId);
    if (!isOwner(row, owner, ["running", "cancelled"])) return null;
    const sql = sqlIn(tx);
    const now = new Date();
    const peak = outcome.kind === "released" ? undefined : outcome.measuredPeakBytes;
    if (row.state === "cancelled" || (outcome.kind === "failed" && outcome.errorClass === "cancelled")) {
      await updateJob(tx, owner.jobId, { state: "cancelled", finishedAt: now, errorClass: "cancelled", errorMessage: "cancelled while running", ...(peak !== undefined && { measuredPeakBytes: peak }) });
      await queue.boss.complete(owner.queueName, owner.jobId, { state: "cancelled" }, { db: sql });
      return "cancelled";
    }
    if (outcome.kind === "succeeded") {
      await updateJob(tx, owner.jobId, { state: "succeeded", finishedAt: now, progress: 1, errorClass: null, errorMessage: null, measuredPeakBytes: outcome.measuredPeakBytes });
      await queue.boss.complete(owner.queueName, owner.jobId, { state: "succeeded" }, { db: sql });
      return "succeeded";
    }
    if (outcome.kind === "released") {
      // one more retry in pg-boss, one attempt fewer on the row, no backoff: a release costs the job nothing
      const bump = `UPDATE ${QUEUE_SCHEMA}.job SET retry_limit = retry_limit + 1 WHERE name = $1 AND id = $2::uuid AND state = 'active'`;
      await tx.$executeRawUnsafe(bump, owner.queueName, owner.jobId);
      const state = await retryOrFail(tx, queue, owner, { errorClass: null, message: outcome.reason, attempts: row.attempts - 1 });
      await tx.$executeRawUnsafe(`UPDATE ${QUEUE_SCHEMA}.job SET start_after = now() WHERE name = $1 AND id = $2::uuid AND state = 'retry'`, owner.queueName, owner.jobId);
      return state;
    }
    if (isTransientError(outcome.errorClass)) return retryOrFail(tx, queue, owner, outcome);
    await updateJob(tx, owner.jobId, {
      state: "failed", finishedAt: now, errorClass: outcome.errorClass, errorMessage: outcome.message,
      ...(outcome.phase != null && { phase: outcome.phase }),
      ...(peak !== undefined && { measuredPeakBytes: peak }),
    });
    await queue.boss.complete(owner.queueName, owner.jobId, { state: "failed", errorClass: outcome.errorClass }, { db: sql });
    return "failed";
  });

/** The owner's job is still running on it: false once it was cancelled, swept as lost or settled. */
export const checkJobOwner = async (db: DbClient, owner: JobOwner): Promise<{ owned: boolean; cancelled: boolean }> => {
  const row = await db.job.findUnique({ where: { id: owner.jobId }, select: { state: true, hostId: true, attempts: true } });
  const mine = row !== null && row.hostId === owner.hostId && row.attempts === owner.attempt;
  return { owned: mine && row.state === "running", cancelled: mine && row.state === "cancelled" };
};

export type SweptJob = { jobId: string; state: JobState; reason: string };

export type SweepOptions = {
  /** A host silent for longer than this has lost its running jobs. */
  staleAfterMs: number;
  /** The sweeping worker's own host: a job "running" there that the worker says it is not running is lost at once. */
  self?: { hostId: string; isRunning: (jobId: string) => boolean };
};

type RunningRow = { id: string; plan: unknown; runner: JobRunner; hostId: string | null; attempts: number; hostName: string | null; silentMs: number | null };

const planQueue = (plan: unknown, runner: JobRunner): string | null => {
  const parsed = Plan.safeParse(plan);
  if (!parsed.success) return null;
  try {
    return queueNameFor(parsed.data, runner);
  } catch {
    return null;
  }
};

/**
 * Finds jobs that can no longer finish and settles them: running on a host that stopped heartbeating (or whose
 * queue claim pg-boss expired) → queued again while retries are left, else failed as `lost`; claims that never
 * started; queued jobs no host served before the queue gave them up. Every worker runs it; it is idempotent.
 */
export const sweepLostJobs = async (db: DbClient, queue: Queue, options: SweepOptions): Promise<SweptJob[]> => {
  const swept: SweptJob[] = [];
  const running = await db.$queryRaw<RunningRow[]>`
    SELECT j.id, j.plan, j.runner::text AS runner, j."hostId", j.attempts, h.name AS "hostName",
           (EXTRACT(EPOCH FROM (now() - h."lastSeenAt")) * 1000)::float8 AS "silentMs"
    FROM job j LEFT JOIN worker_host h ON h.id = j."hostId"
    WHERE j.state = 'running'`;
  const named = running.map((row) => ({ ...row, queueName: planQueue(row.plan, row.runner) }));
  const claims = named.length === 0 ? [] : await db.$queryRawUnsafe<{ id: string; state: string }[]>(
    `SELECT id::text AS id, state::text AS state FROM ${QUEUE_SCHEMA}.job WHERE name = ANY($1::text[]) AND id = ANY($2::uuid[])`,
    [...new Set(named.flatMap((row) => (row.queueName ? [row.queueName] : [])))],
    named.map((row) => row.id),
  );
  for (const row of named) {
    const claim = claims.find((c) => c.id === row.id)?.state ?? null;
    const host = row.hostName ?? "an unknown host";
    const lostBecause = () =>
      row.hostId !== null && row.hostId === options.self?.hostId && !options.self.isRunning(row.id) ? `worker ${host} is not running it (restarted, or lost track of it)`
      : row.silentMs === null ? `its host ${host} is gone`
      : row.silentMs > options.staleAfterMs ? `worker ${host} stopped answering ${Math.round(row.silentMs / 1000)} s ago`
      : claim !== "active" ? "its queue claim expired"
      : null;
    const reason = lostBecause();
    if (reason === null) continue;
    const state = await withTransaction(db, async (tx) => {
      const locked = await lockJob(tx, row.id);
      if (!locked || locked.state !== "running" || locked.hostId !== row.hostId || locked.attempts !== row.attempts) return null;
      if (lostBecause() !== reason) return null; // its own worker claimed it meanwhile
      if (row.queueName === null) {
        await updateJob(tx, row.id, { state: "failed", finishedAt: new Date(), errorClass: "lost", errorMessage: `lost: ${reason}` });
        return "failed" as const;
      }
      return retryOrFail(tx, queue, { jobId: row.id, queueName: row.queueName }, { errorClass: "lost", message: `lost: ${reason}` });
    });
    if (state) swept.push({ jobId: row.id, state, reason });
  }

  // claimed in pg-boss but never marked running (the worker died in between), or settled rows with a dangling claim
  const dangling = await db.$queryRawUnsafe<{ id: string; name: string }[]>(
    `SELECT b.id::text AS id, b.name FROM ${QUEUE_SCHEMA}.job b JOIN job j ON j.id = b.id::text
     WHERE b.name = ANY($1::text[]) AND b.state = 'active' AND b.started_on < now() - $2::float8 * interval '1 millisecond' AND j.state <> 'running'`,
    [...ALL_QUEUE_NAMES],
    options.staleAfterMs,
  );
  for (const claim of dangling) {
    const state = await withTransaction(db, async (tx) => {
      const locked = await lockJob(tx, claim.id);
      const queueClaim = { jobId: claim.id, queueName: claim.name };
      if (!locked || locked.state === "running" || (await bossState(tx, claim.name, claim.id)) !== "active") return null;
      if (locked.state === "queued") return retryOrFail(tx, queue, queueClaim, { errorClass: "lost", message: "lost: claimed by a worker that never started it" });
      await queue.boss.complete(claim.name, claim.id, { state: locked.state }, { db: sqlIn(tx) });
      if (locked.state === "cancelled" && locked.finishedAt === null) await updateJob(tx, claim.id, { finishedAt: new Date(), errorClass: "cancelled", errorMessage: "cancelled while running" });
      return locked.state;
    });
    if (state) swept.push({ jobId: claim.id, state, reason: "dangling queue claim" });
  }

  // pg-boss archives a queued job nobody fetched within its retention (14 days): the row must not stay queued forever
  const unserved = await db.$queryRawUnsafe<{ id: string; name: string }[]>(
    `SELECT a.id::text AS id, a.name FROM ${QUEUE_SCHEMA}.archive a JOIN job j ON j.id = a.id::text
     WHERE a.archived_on > now() - interval '1 day' AND a.state < 'active' AND j.state = 'queued'`,
  );
  for (const job of unserved) {
    const message = `no worker took it from ${job.name} before the queue gave it up (no host has these GPUs?)`;
    if (await updateJob(db, job.id, { state: "failed", finishedAt: new Date(), errorClass: "timeout", errorMessage: message }, { ifStateIn: ["queued"] })) {
      swept.push({ jobId: job.id, state: "failed", reason: message });
    }
  }
  return swept;
};
