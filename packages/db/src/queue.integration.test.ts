import { resolvePlan, type Plan } from "@headroom/estimator";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withTransaction, type Db } from "./client.ts";
import { listJobEvents } from "./queries/job-events.ts";
import { JOB_RUNNERS } from "./queries/job-vocabulary.ts";
import { createJob, getJobById, updateJob } from "./queries/jobs.ts";
import { upsertWorkerHost } from "./queries/worker-hosts.ts";
import {
  ALL_QUEUE_NAMES,
  cancelJob,
  cancelQueuedJob,
  checkJobOwner,
  createQueue,
  enqueueJob,
  fetchQueuedJob,
  queueNameFor,
  settleJob,
  startClaimedJob,
  sweepLostJobs,
  type ClaimScope,
  type JobOwner,
  type Queue,
} from "./queue.ts";
import { createTestDatabase } from "./testing/test-database.ts";
import { seedTeam } from "./testing/fixtures.ts";

const h100 = resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 } });
const rtx4090 = resolvePlan({ hardware: { gpu: "rtx-4090", count: 1 } });
/** A host whose token names every team and that has every runner installed (the one-machine default). */
const anyTeam = (queues: readonly string[]): ClaimScope => ({ queues, teams: "all", runners: JOB_RUNNERS });
const emptyInventory = { gpus: [], links: [], hostRam: null, cudaVersion: null, warnings: [] };

describe("queue (pg-boss in the job database)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  let queue: Queue;
  let team: Awaited<ReturnType<typeof seedTeam>>;
  let hostId: string;

  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"));
    db = database.db;
    queue = createQueue(database.url, { retryLimit: 1, retryDelaySeconds: 0 });
    await queue.start();
    team = await seedTeam(db, "queue");
    hostId = (await upsertWorkerHost(db, { name: "host-a", hostname: "a", inventory: emptyInventory, preflight: [] })).id;
  });
  afterAll(async () => {
    await queue.stop();
    await database.drop();
  });

  /** A job row and its queue job, created in one transaction as the web does. */
  const submit = (plan: Plan = h100) =>
    withTransaction(db, async (tx) => {
      const job = await createJob(tx, { teamId: team.team.id, userId: team.user.id, plan, runner: "probe" });
      await enqueueJob(tx, queue, { jobId: job.id, plan, runner: "probe" });
      return job;
    });

  const bossJob = async (jobId: string, plan: Plan = h100) => queue.boss.getJobById(queueNameFor(plan, "probe"), jobId);

  /** Fetches until this job comes out (earlier tests may leave ready jobs of their own). */
  const claim = async (jobId: string, names = [queueNameFor(h100, "probe")]): Promise<JobOwner> => {
    let found = await fetchQueuedJob(db, queue, anyTeam(names));
    for (let waited = 0; found === null && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // a retry waits out its backoff (1–2 s)
      found = await fetchQueuedJob(db, queue, anyTeam(names));
    }
    expect(found?.jobId).toBe(jobId);
    const job = await startClaimedJob(db, queue, { ...found!, hostId });
    expect(job).toMatchObject({ state: "running", hostId });
    return { ...found!, hostId, attempt: job!.attempts };
  };

  it("enqueues in the job row's transaction: a rollback leaves no queue job", async () => {
    const job = await submit();
    expect(await bossJob(job.id)).toMatchObject({ id: job.id, state: "created", retryLimit: 1, singletonKey: job.id });
    let rolledBack = "";
    await withTransaction(db, async (tx) => {
      const row = await createJob(tx, { teamId: team.team.id, userId: team.user.id, plan: h100, runner: "probe" });
      await enqueueJob(tx, queue, { jobId: row.id, plan: h100, runner: "probe" });
      rolledBack = row.id;
      throw new Error("rollback");
    }).catch(() => undefined);
    expect(await bossJob(rolledBack)).toBeNull();
    await expect(getJobById(db, rolledBack)).rejects.toThrow(/not found/);
    // enqueueing again is a no-op
    await enqueueJob(db, queue, { jobId: job.id, plan: h100, runner: "probe" });
    expect(await queue.boss.getQueueSize(queueNameFor(h100, "probe"))).toBe(1);
    await cancelQueuedJob(db, queue, job.id);
  });

  it("refuses a job id without a row", async () => {
    await expect(enqueueJob(db, queue, { jobId: "0190f4a0-0000-7000-8000-000000000000", plan: h100, runner: "probe" })).rejects.toThrow(/not found/);
  });

  it("hands a job only to a worker serving its queue, and to one worker only", async () => {
    const job = await submit(h100);
    expect(await fetchQueuedJob(db, queue, anyTeam([queueNameFor(rtx4090, "probe")]))).toBeNull();
    const results = await Promise.all(Array.from({ length: 6 }, () => fetchQueuedJob(db, queue, anyTeam([queueNameFor(h100, "probe"), queueNameFor(rtx4090, "probe")]))));
    expect(results.filter((r) => r !== null)).toEqual([{ jobId: job.id, queueName: queueNameFor(h100, "probe") }]);
    await startClaimedJob(db, queue, { jobId: job.id, queueName: queueNameFor(h100, "probe"), hostId });
    await settleJob(db, queue, { jobId: job.id, queueName: queueNameFor(h100, "probe"), hostId, attempt: 1 }, { kind: "succeeded", measuredPeakBytes: 5 });
  });

  it("takes the oldest ready job across the queues a host serves", async () => {
    const first = await submit(rtx4090);
    const second = await submit(h100);
    const names = [queueNameFor(h100, "probe"), queueNameFor(rtx4090, "probe")];
    const a = await claim(first.id, names);
    const b = await claim(second.id, names);
    for (const owner of [a, b]) await settleJob(db, queue, owner, { kind: "succeeded", measuredPeakBytes: 1 });
  });

  it("hands a job only to a host whose token names the job's team, and leaves it queued for one that does", async () => {
    const other = await seedTeam(db, "other-team");
    const theirs = await withTransaction(db, async (tx) => {
      const job = await createJob(tx, { teamId: other.team.id, userId: other.user.id, plan: h100, runner: "probe" });
      await enqueueJob(tx, queue, { jobId: job.id, plan: h100, runner: "probe" });
      return job;
    });
    const names = [queueNameFor(h100, "probe")];
    expect(await fetchQueuedJob(db, queue, { queues: names, teams: [team.team.id], runners: JOB_RUNNERS })).toBeNull();
    expect(await fetchQueuedJob(db, queue, { queues: names, teams: [], runners: JOB_RUNNERS })).toBeNull();
    expect(await bossJob(theirs.id)).toMatchObject({ state: "created" }); // never claimed, so no attempt spent
    expect(await fetchQueuedJob(db, queue, { queues: names, teams: [team.team.id, other.team.id], runners: JOB_RUNNERS })).toEqual({ jobId: theirs.id, queueName: names[0] });
    await cancelJob(db, queue, theirs.id);
  });

  it("leaves a LiveAvatar job in a probe-named queue (queued before runners named queues) to a host that has LiveAvatar", async () => {
    const legacy = await withTransaction(db, async (tx) => {
      const job = await createJob(tx, { teamId: team.team.id, userId: team.user.id, plan: h100, runner: "liveavatar" });
      await enqueueJob(tx, queue, { jobId: job.id, plan: h100, runner: "probe" }); // the old queue name
      return job;
    });
    const names = [queueNameFor(h100, "probe")];
    expect(await fetchQueuedJob(db, queue, { queues: names, teams: "all", runners: ["probe"] })).toBeNull();
    expect(await fetchQueuedJob(db, queue, { queues: names, teams: "all", runners: ["probe", "liveavatar"] })).toEqual({ jobId: legacy.id, queueName: names[0] });
    await cancelJob(db, queue, legacy.id);
  });

  it("cancels a queued job so that no worker ever gets it", async () => {
    const job = await submit();
    expect(await cancelQueuedJob(db, queue, job.id)).toBe(true);
    expect(await getJobById(db, job.id)).toMatchObject({ state: "cancelled", errorClass: "cancelled" });
    expect(await bossJob(job.id)).toMatchObject({ state: "cancelled" });
    expect(await fetchQueuedJob(db, queue, anyTeam([queueNameFor(h100, "probe")]))).toBeNull();
    expect(await cancelQueuedJob(db, queue, job.id)).toBe(false);
  });

  it("skips a claimed job whose row was cancelled in between, completing its queue job", async () => {
    const job = await submit();
    const found = await fetchQueuedJob(db, queue, anyTeam([queueNameFor(h100, "probe")]));
    await updateJob(db, job.id, { state: "cancelled" }, { ifStateIn: ["queued"] });
    expect(await startClaimedJob(db, queue, { ...found!, hostId })).toBeNull();
    expect(await bossJob(job.id)).toMatchObject({ state: "completed" });
  });

  it("records success next to the queue job, and lets a running job be cancelled by its row", async () => {
    const job = await submit();
    const owner = await claim(job.id);
    expect(await checkJobOwner(db, owner)).toEqual({ owned: true, cancelled: false });
    expect(await settleJob(db, queue, owner, { kind: "succeeded", measuredPeakBytes: 123_456_789 })).toBe("succeeded");
    expect(await getJobById(db, job.id)).toMatchObject({ state: "succeeded", progress: 1, measuredPeakBytes: 123_456_789, attempts: 1 });
    expect(await bossJob(job.id)).toMatchObject({ state: "completed" });

    const running = await submit();
    const runner = await claim(running.id);
    expect(await cancelJob(db, queue, running.id)).toBe("cancelled");
    expect(await checkJobOwner(db, runner)).toEqual({ owned: false, cancelled: true });
    expect(await settleJob(db, queue, runner, { kind: "failed", errorClass: "cancelled", message: "cancelled" })).toBe("cancelled");
    expect(await getJobById(db, running.id)).toMatchObject({ state: "cancelled", errorClass: "cancelled" });
    expect((await getJobById(db, running.id)).finishedAt).not.toBeNull();
  });

  it("fails final classes at once and retries transient ones until the attempts run out", async () => {
    const bad = await submit();
    const badOwner = await claim(bad.id);
    expect(await settleJob(db, queue, badOwner, { kind: "failed", errorClass: "out-of-memory", message: "CUDA out of memory", phase: "load", measuredPeakBytes: 9 })).toBe("failed");
    expect(await getJobById(db, bad.id)).toMatchObject({ state: "failed", errorClass: "out-of-memory", phase: "load", measuredPeakBytes: 9 });
    expect(await bossJob(bad.id)).toMatchObject({ state: "completed" });

    const flaky = await submit();
    const first = await claim(flaky.id);
    expect(await settleJob(db, queue, first, { kind: "failed", errorClass: "crashed", message: "killed by SIGSEGV" })).toBe("queued");
    expect(await getJobById(db, flaky.id)).toMatchObject({ state: "queued", hostId: null, errorClass: "crashed", attempts: 1 });
    const second = await claim(flaky.id);
    expect(second.attempt).toBe(2);
    expect(await settleJob(db, queue, second, { kind: "failed", errorClass: "crashed", message: "killed by SIGSEGV" })).toBe("failed");
    expect(await getJobById(db, flaky.id)).toMatchObject({ state: "failed", errorClass: "crashed", attempts: 2 });
    expect(await bossJob(flaky.id)).toMatchObject({ state: "failed" });
    const log = await listJobEvents(db, { teamId: team.team.id, jobId: flaky.id });
    expect(log.map((e) => e.payload.message)).toEqual(["killed by SIGSEGV: queued again", "killed by SIGSEGV: no attempts left"]);
  });

  it("releases a job at shutdown without using up an attempt", async () => {
    const job = await submit();
    const owner = await claim(job.id);
    expect(await settleJob(db, queue, owner, { kind: "released", reason: "worker host-a shut down" })).toBe("queued");
    expect(await getJobById(db, job.id)).toMatchObject({ state: "queued", attempts: 0, errorClass: null });
    const released = await bossJob(job.id);
    expect(released).toMatchObject({ state: "retry" });
    expect(new Date(released!.startAfter).getTime()).toBeLessThanOrEqual(Date.now()); // no backoff
    const again = await claim(job.id);
    expect(again.attempt).toBe(1);
    expect(await settleJob(db, queue, again, { kind: "succeeded", measuredPeakBytes: null })).toBe("succeeded");
  });

  it("ignores a settle from a worker that no longer owns the job", async () => {
    const job = await submit();
    const owner = await claim(job.id);
    expect(await settleJob(db, queue, { ...owner, attempt: 7 }, { kind: "succeeded", measuredPeakBytes: 1 })).toBeNull();
    expect(await settleJob(db, queue, { ...owner, hostId: "someone-else" }, { kind: "succeeded", measuredPeakBytes: 1 })).toBeNull();
    expect(await getJobById(db, job.id)).toMatchObject({ state: "running" });
    await settleJob(db, queue, owner, { kind: "succeeded", measuredPeakBytes: 1 });
  });

  it("sweeps a silent host's running job: queued again, then failed as lost; never left running", async () => {
    const silent = await upsertWorkerHost(db, { name: "silent", hostname: "s", inventory: emptyInventory, preflight: [], seenAt: new Date(Date.now() - 60_000) });
    const job = await submit();
    const found = await fetchQueuedJob(db, queue, anyTeam([queueNameFor(h100, "probe")]));
    await startClaimedJob(db, queue, { ...found!, hostId: silent.id });
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 120_000 })).toEqual([]); // not silent for long enough
    const swept = await sweepLostJobs(db, queue, { staleAfterMs: 30_000 });
    expect(swept).toEqual([{ jobId: job.id, state: "queued", reason: expect.stringMatching(/^worker silent stopped answering 6\d s ago$/) }]);
    expect(await getJobById(db, job.id)).toMatchObject({ state: "queued", errorClass: "lost", hostId: null, attempts: 1 });
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 30_000 })).toEqual([]); // idempotent

    const again = await claim(job.id);
    await updateJob(db, job.id, { hostId: silent.id });
    void again;
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 30_000 })).toMatchObject([{ jobId: job.id, state: "failed" }]);
    expect(await getJobById(db, job.id)).toMatchObject({ state: "failed", errorClass: "lost", attempts: 2 });
  });

  it("sweeps at once a job its own host is not running (a restart), and a running job whose claim pg-boss expired", async () => {
    const restarted = await submit();
    await claim(restarted.id);
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 60_000, self: { hostId, isRunning: (id) => id === restarted.id } })).toEqual([]);
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 60_000, self: { hostId, isRunning: () => false } })).toMatchObject([
      { jobId: restarted.id, state: "queued", reason: "worker host-a is not running it (restarted, or lost track of it)" },
    ]);
    const expired = await claim(restarted.id);
    await queue.boss.getDb().executeSql("UPDATE pgboss.job SET state = 'retry' WHERE id = $1", [expired.jobId]);
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 60_000 })).toMatchObject([{ jobId: restarted.id, state: "failed", reason: "its queue claim expired" }]);
  });

  it("finishes the row of a running job cancelled after its worker died, and closes its claim", async () => {
    const job = await submit();
    await claim(job.id);
    expect(await cancelJob(db, queue, job.id)).toBe("cancelled");
    await queue.boss.getDb().executeSql("UPDATE pgboss.job SET started_on = now() - interval '10 minutes' WHERE id = $1", [job.id]);
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 60_000 })).toMatchObject([{ jobId: job.id, state: "cancelled" }]);
    expect(await getJobById(db, job.id)).toMatchObject({ state: "cancelled", errorClass: "cancelled" });
    expect((await getJobById(db, job.id)).finishedAt).not.toBeNull();
    expect(await bossJob(job.id)).toMatchObject({ state: "completed" });
  });

  it("sweeps a claim that never started: the row stays queued and the job is retried", async () => {
    const job = await submit();
    await fetchQueuedJob(db, queue, anyTeam([queueNameFor(h100, "probe")]));
    await queue.boss.getDb().executeSql("UPDATE pgboss.job SET started_on = now() - interval '10 minutes' WHERE id = $1", [job.id]);
    expect(await sweepLostJobs(db, queue, { staleAfterMs: 60_000 })).toMatchObject([{ jobId: job.id, state: "queued", reason: "dangling queue claim" }]);
    expect(await bossJob(job.id)).toMatchObject({ state: "retry" });
    await claim(job.id);
  });
});

describe("queue start", () => {
  it("installs pg-boss and every queue once when a web and a worker start together on a fresh database", async () => {
    const fresh = await createTestDatabase(inject("templateUrl"));
    const queues = [createQueue(fresh.url), createQueue(fresh.url)];
    try {
      await Promise.all(queues.map((q) => q.start()));
      expect((await queues[0]!.boss.getQueues()).map((q) => q.name).sort()).toEqual([...ALL_QUEUE_NAMES].sort());
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
      await fresh.drop();
    }
  });
});
