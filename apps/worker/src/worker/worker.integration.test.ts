// The worker against a real embedded PostgreSQL: in this process (CPU pseudo-inventory, tiny probes, a simulated GPU
// host), then as real processes (`tsx src/main.ts`) that are killed mid-job and race for jobs.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cancelJob, cancelQueuedJob, createAsset, createHostToken, createJob, enqueueJob, getJobById, getVramSeries, listArtifacts, listJobEvents, listWorkerHosts, queueNameFor, withTransaction } from "@headroom/db";
import { resolvePlan } from "@headroom/estimator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensurePythonTorch } from "../testing/python-torch.ts";
import { createWorker, type Worker, type WorkerDeps } from "./worker.ts";
import {
  fakeNvidiaSmi, h200Host, pidsMentioning, spawnWorker, startTestBed, submitJob, testEnv, testSettings, waitFor, type TestBed, type WorkerProcess,
} from "./worker-test-support.ts";

const CRASHING_PROBE = fileURLToPath(new URL("../tasks/fixtures/crashing-probe.py", import.meta.url));
const QUICK_PROBE = fileURLToPath(new URL("./fixtures/quick-probe.py", import.meta.url));

let bed: TestBed;
beforeAll(async () => {
  ensurePythonTorch();
  bed = await startTestBed();
}, 600_000);
afterAll(() => bed?.close());

describe("the worker loop in this process", () => {
  let worker: Worker | null = null;
  const logs: string[] = [];

  const startWorker = async (name: string, extra: Record<string, string> = {}, deps: Partial<WorkerDeps> = {}) => {
    const { settings, config } = testSettings(name, bed, extra);
    worker = createWorker({ db: bed.db, queue: bed.queue, settings, config, log: (line) => logs.push(line), ...deps });
    await worker.start();
    return worker;
  };
  const settled = (id: string, timeoutMs = 60_000) =>
    waitFor(`job ${id} to settle`, async () => {
      const job = await getJobById(bed.db, id);
      return job.finishedAt !== null && job.state !== "running" ? job : null;
    }, timeoutMs);
  const events = (jobId: string) => listJobEvents(bed.db, { teamId: bed.teamId, jobId, limit: 5000 });

  afterEach(async () => {
    await worker?.stop();
    worker = null;
  });

  it("enqueue → claim → probe run → events → succeeded; a tiny-shape peak is kept as an artifact, not compared with the prediction", async () => {
    const job = await submitJob(bed);
    await startWorker("cpu-a");
    const done = await settled(job.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 1, progress: 1, errorClass: null, hostId: worker!.hostId() });
    expect(done.measuredPeakBytes).toBeNull(); // tiny CPU shapes measure the pipeline, not the plan's peak
    expect(done.predictedPeakBytes).toBeGreaterThan(0);

    const log = await events(job.id);
    const phases = log.filter((e) => e.type === "phase" && e.payload.state === "start").map((e) => e.payload.phase);
    expect(phases).toEqual(["load", "encode", "denoise", "decode"]);
    expect(log.filter((e) => e.type === "memory")).toHaveLength(4);
    expect(log.some((e) => e.type === "progress")).toBe(true);
    expect(log.filter((e) => e.type === "result")).toMatchObject([{ payload: { fits: true, device: "cpu" } }]);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));

    const artifacts = await listArtifacts(bed.db, { teamId: bed.teamId, jobId: job.id });
    expect(artifacts).toMatchObject([{ kind: "measurement", path: `${job.id}/probe-result.json`, mime: "application/json" }]);
    expect(JSON.parse(readFileSync(join(bed.storageDir, artifacts[0]!.path), "utf8")).peakDeviceUsed).toBeGreaterThan(0);
    expect(log.some((e) => e.type === "log" && String(e.payload.message).includes("tiny shapes"))).toBe(true);
    expect(await bed.queue.boss.getJobById(queueNameFor(job.plan, job.runner), job.id)).toMatchObject({ state: "completed" });

    const [host] = await listWorkerHosts(bed.db);
    expect(host).toMatchObject({ name: "cpu-a", isOnline: true, inventory: { gpus: [] } });
    expect(host!.preflight.map((f) => f.ruleId)).toContain("preflight/no-gpu");
  }, 90_000);

  it("on a GPU host: takes only plans its GPUs hold, gives the run its GPUs and records their VRAM every 100 ms", async () => {
    const tooLarge = await submitJob(bed, { plan: { hardware: { gpu: "b200", count: 1 } } });
    const fits = await submitJob(bed, { plan: { hardware: { gpu: "h200", count: 1 } } });
    // PROBE_DEVICE unset: GPUs found, so cuda; the torch-free stand-in plays the probe (no GPU here)
    await startWorker("gpu-h200x2", { PROBE_DEVICE: "", HEADROOM_PROBE_SCRIPT: QUICK_PROBE }, { collectors: h200Host, nvidiaSmi: fakeNvidiaSmi() });
    expect(worker!.profile()).toMatchObject({ device: "cuda" });
    expect(worker!.profile()!.queues).toContain(queueNameFor(fits.plan, fits.runner));
    expect(worker!.profile()!.queues).not.toContain(queueNameFor(tooLarge.plan, tooLarge.runner));
    const done = await settled(fits.id);
    expect(done).toMatchObject({ state: "succeeded", measuredPeakBytes: 4096, attempts: 1 });
    const result = (await events(fits.id)).find((e) => e.type === "result")!.payload;
    expect(result.cudaVisibleDevices).toBe("0");
    expect(result.argv).toEqual(expect.arrayContaining(["--device", "cuda", "--cap-gib", "139.8"]));
    const series = await getVramSeries(bed.db, { teamId: bed.teamId, jobId: fits.id });
    expect(series.map((s) => s.gpuIndex)).toEqual([0]); // the job's GPU only
    expect(series[0]!.chunks.flatMap((c) => c.samplesMib).length).toBeGreaterThanOrEqual(3);
    expect(series[0]!.chunks[0]!.intervalMs).toBe(100);
    expect(series[0]!.peakMib).toBeGreaterThan(1000);
    expect(await getJobById(bed.db, tooLarge.id)).toMatchObject({ state: "queued", attempts: 0 });
    await cancelQueuedJob(bed.db, bed.queue, tooLarge.id);
  }, 30_000);

  it("never runs a job cancelled while queued", async () => {
    const cancelled = await submitJob(bed);
    expect(await cancelQueuedJob(bed.db, bed.queue, cancelled.id)).toBe(true);
    const marker = await submitJob(bed, { plan: { params: { precision: "fp16" } } }); // refused at once: proves the worker has polled since
    await startWorker("cpu-b");
    await settled(marker.id);
    expect(await getJobById(bed.db, cancelled.id)).toMatchObject({ state: "cancelled", attempts: 0, startedAt: null, hostId: null });
    expect(await events(cancelled.id)).toEqual([]);
    expect(existsSync(join(bed.storageDir, cancelled.id))).toBe(false);
  }, 30_000);

  it("cancels a running job: the child is killed and the job ends cancelled", async () => {
    const job = await submitJob(bed);
    await startWorker("cpu-c");
    await waitFor("the probe to start", async () => (await events(job.id)).some((e) => e.type === "phase"));
    const planFile = join(bed.storageDir, job.id, "plan.json");
    expect(pidsMentioning(planFile).length).toBeGreaterThan(0);
    const asked = Date.now();
    expect(await cancelJob(bed.db, bed.queue, job.id)).toBe("cancelled");
    const done = await settled(job.id, 20_000);
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(done).toMatchObject({ state: "cancelled", errorClass: "cancelled", attempts: 1 });
    expect(pidsMentioning(planFile)).toEqual([]);
    expect((await events(job.id)).some((e) => e.type === "result")).toBe(false);
    expect(await bed.queue.boss.getJobById(queueNameFor(job.plan, job.runner), job.id)).toMatchObject({ state: "completed" });
  }, 60_000);

  it("refuses a plan with an error-level finding as bad-input before any child process starts", async () => {
    const job = await submitJob(bed, { plan: { params: { precision: "fp16" } } });
    await startWorker("cpu-d");
    const done = await settled(job.id);
    expect(done).toMatchObject({ state: "failed", errorClass: "bad-input", attempts: 1 });
    expect(done.errorMessage).toMatch(/^plan refused before it reached a GPU: .*\[precision\/fr-11\]/);
    const log = await events(job.id);
    expect(log.map((e) => e.type)).toEqual(["error"]);
    expect(existsSync(join(bed.storageDir, job.id))).toBe(false); // the probe writes plan.json before it spawns
  }, 30_000);

  it("never claims a LiveAvatar job on a host without LiveAvatar; the host page says what is missing, in the operator's words", async () => {
    const common = { teamId: bed.teamId, uploaderId: bed.userId, bytes: 4, sha256: "0".repeat(64) };
    const image = await createAsset(bed.db, { ...common, kind: "image", mime: "image/jpeg", storagePath: "in/face.jpg" });
    const audio = await createAsset(bed.db, { ...common, kind: "audio", mime: "audio/wav", storagePath: "in/voice.wav" });
    const job = await submitJob(bed, { runner: "liveavatar", inputAssetIds: [image.id, audio.id] });
    await startWorker("cpu-e");
    const marker = await submitJob(bed, { plan: { params: { precision: "fp16" } } }); // refused at once: the worker has polled since
    await settled(marker.id);
    expect(worker!.profile()!.queues.some((name) => name.startsWith("run.liveavatar."))).toBe(false);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "queued", attempts: 0, hostId: null });
    expect(await bed.queue.boss.getJobById(queueNameFor(job.plan, job.runner), job.id)).toMatchObject({ state: "created" });
    const host = (await listWorkerHosts(bed.db)).find((h) => h.name === "cpu-e");
    expect(host?.inventory).toMatchObject({ device: "cpu", runners: expect.not.arrayContaining(["liveavatar"]) });
    expect(host?.preflight).toContainEqual(expect.objectContaining({ ruleId: "host/liveavatar-not-installed", message: expect.stringContaining("HEADROOM_LIVEAVATAR_DIR is not set") }));
    await cancelQueuedJob(bed.db, bed.queue, job.id); // no later test's business
  }, 30_000);

  it("takes only jobs of the teams its host token names: another team's job stays queued, no attempt spent", async () => {
    const other = await bed.db.organization.create({ data: { name: "Other", slug: `other-${Date.now()}` }, select: { id: true } });
    const theirs = await withTransaction(bed.db, async (tx) => {
      const job = await createJob(tx, { teamId: other.id, userId: bed.userId, plan: resolvePlan({}), runner: "probe", prompt: null, inputAssetIds: [] });
      await enqueueJob(tx, bed.queue, { jobId: job.id, plan: job.plan, runner: "probe" });
      return job;
    });
    const { secret } = await createHostToken(bed.db, { name: "ours only", teamIds: [bed.teamId] });
    await startWorker("cpu-token", { HEADROOM_HOST_TOKEN: secret });
    const marker = await submitJob(bed, { plan: { params: { precision: "fp16" } } }); // ours, refused at once: the worker has polled since
    await settled(marker.id);
    expect(await getJobById(bed.db, theirs.id)).toMatchObject({ state: "queued", attempts: 0, hostId: null });
    expect(await bed.queue.boss.getJobById(queueNameFor(theirs.plan, "probe"), theirs.id)).toMatchObject({ state: "created" });
    await cancelQueuedJob(bed.db, bed.queue, theirs.id);
  }, 30_000);

  it("retries a crashed run with backoff, then fails it for good once the attempts run out", async () => {
    const job = await submitJob(bed);
    await startWorker("cpu-f", { HEADROOM_PROBE_SCRIPT: CRASHING_PROBE });
    const done = await settled(job.id, 30_000);
    expect(done).toMatchObject({ state: "failed", errorClass: "crashed", attempts: 2, phase: "load" });
    expect(done.errorMessage).toBe("exited with 1: shape mismatch in block 3");
    const notes = (await events(job.id)).filter((e) => e.type === "log" && e.payload.stream === "worker").map((e) => e.payload.message);
    expect(notes).toEqual(["exited with 1: shape mismatch in block 3: queued again", "exited with 1: shape mismatch in block 3: no attempts left"]);
  }, 30_000);

  it("releases its running job when stopped: queued again, no attempt used", async () => {
    const job = await submitJob(bed);
    await startWorker("cpu-g");
    await waitFor("the probe to start", async () => (await events(job.id)).some((e) => e.type === "phase"));
    await worker!.stop();
    worker = null;
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "queued", attempts: 0, hostId: null, errorClass: null });
    expect(pidsMentioning(join(bed.storageDir, job.id, "plan.json"))).toEqual([]);
    await cancelQueuedJob(bed.db, bed.queue, job.id);
  }, 30_000);
});

describe("worker processes sharing one database", () => {
  const JOBS = 8;
  const children: WorkerProcess[] = [];
  let survivor: Worker | null = null;

  const start = (name: string, extra: Record<string, string> = {}) => {
    const worker = spawnWorker({ ...testEnv(name, bed), DATABASE_URL: bed.url, ...extra });
    children.push(worker);
    return worker;
  };
  const ready = (worker: WorkerProcess) => waitFor(`${worker.child.pid} to register`, async () => worker.lines.some((line) => line.includes(" serves ")), 30_000);
  const loadStarts = async (jobId: string) =>
    (await listJobEvents(bed.db, { teamId: bed.teamId, jobId, limit: 5000 })).filter((e) => e.type === "phase" && e.payload.phase === "load" && e.payload.state === "start").length;

  afterAll(async () => {
    await survivor?.stop();
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    // the killed worker's probe, orphaned in its own process group
    for (const pid of pidsMentioning(bed.storageDir)) process.kill(pid, "SIGKILL");
  });

  /** A second, in-process worker on the stand-in probe: where a stopped or killed worker's job ends up. */
  const startSurvivor = async (name: string) => {
    const { settings, config } = testSettings(name, bed, { HEADROOM_PROBE_SCRIPT: QUICK_PROBE });
    const worker = createWorker({ db: bed.db, queue: bed.queue, settings, config, log: () => {} });
    await worker.start();
    return worker;
  };
  const settled = (jobId: string) =>
    waitFor("the job to finish", async () => {
      const row = await getJobById(bed.db, jobId);
      return row.state === "succeeded" || row.state === "failed" ? row : null;
    }, 60_000);

  it("detects a worker killed mid-job (kill -9) as lost; another worker retries the job to completion", async () => {
    // the torch-free stand-in probe: the victim's run lasts long enough to be killed in, the survivor's a second
    const victim = start("victim", { HEADROOM_PROBE_SCRIPT: QUICK_PROBE, QUICK_PROBE_PHASE_S: "30" });
    await ready(victim);
    const job = await submitJob(bed);
    await waitFor("the victim to run the probe", async () => (await loadStarts(job.id)) > 0);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "running", attempts: 1 });
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBeNull();

    survivor = await startSurvivor("survivor");
    const done = await settled(job.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2, hostId: survivor.hostId(), errorClass: null });
    const log = await listJobEvents(bed.db, { teamId: bed.teamId, jobId: job.id, limit: 5000 });
    expect(log.filter((e) => e.type === "result")).toHaveLength(1); // the survivor's run only
    const notes = log.filter((e) => e.type === "log" && e.payload.stream === "worker");
    expect(notes.map((e) => e.payload.message)).toEqual([expect.stringMatching(/^lost: worker victim stopped answering \d+ s ago: queued again$/)]);
    expect(await loadStarts(job.id)).toBe(2);
    await survivor.stop();
    survivor = null;
  }, 120_000);

  it("hands its running job back on SIGTERM (as npm start stops it): queued with no attempt spent, then done elsewhere", async () => {
    const stopped = start("stopped", { HEADROOM_PROBE_SCRIPT: QUICK_PROBE, QUICK_PROBE_PHASE_S: "30", HEADROOM_SHUTDOWN_GRACE_S: "1" });
    await ready(stopped);
    const job = await submitJob(bed);
    await waitFor("the worker to run the probe", async () => (await loadStarts(job.id)) > 0);
    stopped.child.kill("SIGTERM");
    expect(await stopped.exited).toBe(0);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "queued", attempts: 0, hostId: null, errorClass: null });

    survivor = await startSurvivor("after-stop");
    const done = await settled(job.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 1, errorClass: null });
    await survivor.stop();
    survivor = null;
  }, 120_000);

  it("never lets two workers run the same job", async () => {
    // the queue is under test, not PyTorch: the stand-in probe; two busy processes on two cores may starve a heartbeat
    const racer = { HEADROOM_PROBE_SCRIPT: QUICK_PROBE, HEADROOM_LOST_AFTER_S: "30" };
    const workers = [start("racer-1", racer), start("racer-2", racer)];
    await Promise.all(workers.map(ready));
    const jobs = await Promise.all(Array.from({ length: JOBS }, () => submitJob(bed)));
    const done = await waitFor("every job to succeed", async () => {
      const rows = await Promise.all(jobs.map((job) => getJobById(bed.db, job.id)));
      return rows.every((row) => row.state === "succeeded") ? rows : null;
    }, 90_000);
    expect(done.map((row) => row.attempts)).toEqual(jobs.map(() => 1));
    for (const job of jobs) expect(await loadStarts(job.id)).toBe(1);
    const started = workers.map((w) => w.lines.flatMap((line) => /job (\S+) started/.exec(line)?.[1] ?? []));
    expect(started.flat().sort()).toEqual(jobs.map((job) => job.id).sort());
    const hosts = await listWorkerHosts(bed.db);
    const ranOn = new Set(done.map((row) => hosts.find((h) => h.id === row.hostId)?.name));
    expect([...ranOn].sort()).toEqual(["racer-1", "racer-2"]); // both took jobs, none took the same one

    // SIGTERM: each stops cleanly
    workers.forEach((w) => w.child.kill("SIGTERM"));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  }, 60_000);
});
