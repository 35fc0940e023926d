// A running job's run log, progress, phase and VRAM samples over HTTP (issue 17): the web app's worker API handlers
// (apps/web/src/server/worker-api/receive-reports.ts) on a real HTTP server, a real embedded PostgreSQL.
import { createHostToken, getJobById, getVramSeries, listJobEvents, revokeHostToken, type HostInventory } from "@headroom/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobReporter } from "../worker/job-reporter.ts";
import { startTestBed, submitJob, type TestBed } from "../worker/worker-test-support.ts";
import { createWebFiles } from "./web-files.ts";

const EMPTY_INVENTORY: HostInventory = { gpus: [], links: [], hostRam: null, cudaVersion: null, warnings: [] };

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
}, 120_000);
afterAll(() => bed?.close());

/** Two hosts with tokens of their own; host one runs a job (attempt 1), host two runs another. */
const setup = async () => {
  const [one, two] = [await createHostToken(bed.db, { name: "one", teamIds: [bed.teamId] }), await createHostToken(bed.db, { name: "two", teamIds: [bed.teamId] })];
  const host = (name: string, tokenId: string) => bed.db.workerHost.create({ data: { name: `${name}-${Date.now()}-${Math.random()}`, hostname: name, lastSeenAt: new Date(), inventory: EMPTY_INVENTORY, tokenId }, select: { id: true } });
  const [hostOne, hostTwo] = [await host("one", one.token.id), await host("two", two.token.id)];
  const run = async (hostId: string) => {
    const job = await submitJob(bed);
    await bed.db.job.update({ where: { id: job.id }, data: { state: "running", hostId, attempts: 1, startedAt: new Date() } });
    return job;
  };
  const [job, theirs] = [await run(hostOne.id), await run(hostTwo.id)];
  const post = (secret: string, hostId: string, jobId: string, stream: "events" | "vram-samples", body: unknown) =>
    fetch(`${bed.webUrl}/api/worker/jobs/${jobId}/${stream}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "x-headroom-host": hostId, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { one, two, hostOne, hostTwo, job, theirs, post };
};

const events = (jobId: string) => listJobEvents(bed.db, { teamId: bed.teamId, jobId, limit: 5000 });
const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

const LOG = { type: "log", level: "info", message: "loading weights", t: 1_764_900_000.5 };
const PHASE = { type: "phase", phase: "denoise", state: "start", t: 1_764_900_001 };

describe("a job's events over HTTP", () => {
  it("stores a batch once, in order, with its progress and phase, however often it is sent", async () => {
    const { one, hostOne, job, post } = await setup();
    const batch = { seq: 1, events: [LOG, PHASE], patch: { phase: "denoise", progress: 0.25 } };
    const first = await post(one.secret, hostOne.id, job.id, "events", batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: true });
    const again = await post(one.secret, hostOne.id, job.id, "events", batch); // a retry after a lost answer
    expect(await again.json()).toEqual({ stored: false });
    expect((await post(one.secret, hostOne.id, job.id, "events", { seq: 2, events: [{ ...LOG, message: "second" }] })).status).toBe(200);

    const stored = await events(job.id);
    expect(stored.map((e) => [e.seq, e.type, e.payload.message ?? e.payload.phase])).toEqual([[1, "log", "loading weights"], [2, "phase", "denoise"], [3, "log", "second"]]);
    expect(stored[0]!.at).toEqual(new Date(1_764_900_000_500));
    expect(await getJobById(bed.db, job.id)).toMatchObject({ phase: "denoise", progress: 0.25 });
  }, 30_000);

  it("the worker's client retries a lost answer without a duplicate", async () => {
    const { one, hostOne, job } = await setup();
    let lose = true;
    /** Fetch whose first POST reaches the web, which stores it, but whose answer never arrives. */
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!lose) return response;
      lose = false;
      await response.body?.cancel();
      throw new TypeError("fetch failed: socket hang up");
    };
    const files = createWebFiles({ webUrl: bed.webUrl, secret: () => one.secret, hostId: () => hostOne.id, fetch: losing });
    await files.postBatch(job.id, "events", { seq: 1, events: [LOG] });
    await files.postBatch(job.id, "vram-samples", { seq: 1, chunks: [{ gpuIndex: 0, startedAt: new Date(0).toISOString(), samplesMib: [100, 200, 150] }] });
    expect(lose).toBe(false);
    expect((await events(job.id)).map((e) => e.payload.message)).toEqual(["loading weights"]);
    expect(await getVramSeries(bed.db, { teamId: bed.teamId, jobId: job.id })).toEqual([expect.objectContaining({ gpuIndex: 0, peakMib: 200, chunks: [expect.objectContaining({ samplesMib: [100, 200, 150] })] })]);
  }, 60_000);

  it("the job reporter sends a batch again after the web could not take it: every event lands once, in order", async () => {
    const { one, hostOne, job } = await setup();
    let calls = 0;
    /** Fetch that cannot connect twice, then reaches the web (which stores the batch) but loses its answer once. */
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls <= 2) throw new TypeError("fetch failed: connect ECONNREFUSED");
      const response = await fetch(input, init);
      if (calls > 3) return response;
      await response.body?.cancel();
      throw new TypeError("fetch failed: socket hang up");
    };
    // one try per postBatch: the reporter's own keeping is what is under test, without the transfer's waits
    const files = createWebFiles({ webUrl: bed.webUrl, secret: () => one.secret, hostId: () => hostOne.id, fetch: flaky, tries: 1 });
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: job.id, post: files.postBatch, upload: async () => {}, flushMs: 60_000, onError: (line) => log.push(line) });
    const say = async (message: string) => {
      reporter.report({ type: "log", level: "info", message, t: LOG.t });
      await reporter.flush();
    };
    await say("first"); // cannot connect: batch 1 kept
    await say("second"); // cannot connect: batches 1–2 kept
    await say("third"); // batch 1 stored, its answer lost: batches 1–3 kept
    reporter.report({ type: "progress", phase: "denoise", forward: 1, of: 2 });
    await reporter.close(); // batch 1 again (stored once), then 2, 3, 4
    expect(calls).toBe(7);
    expect(log).toHaveLength(3);
    expect((await events(job.id)).map((e) => [e.seq, e.payload.message ?? e.type])).toEqual([[1, "first"], [2, "second"], [3, "third"], [4, "progress"]]);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ progress: 0.5 });
  }, 30_000);

  it("refuses a revoked token (401), another host's job or a job no longer held (403), nothing stored", async () => {
    const { one, two, hostOne, hostTwo, job, theirs, post } = await setup();
    const batch = { seq: 1, events: [LOG] };
    expect((await post(one.secret, hostOne.id, theirs.id, "events", batch)).status).toBe(403); // another host's job
    expect((await post(two.secret, hostOne.id, job.id, "events", batch)).status).toBe(403); // naming the holder with another token
    expect((await post(one.secret, hostOne.id, theirs.id, "vram-samples", { seq: 1, chunks: [] })).status).toBe(403);
    await bed.db.job.update({ where: { id: job.id }, data: { state: "succeeded", finishedAt: new Date() } });
    expect((await post(one.secret, hostOne.id, job.id, "events", batch)).status).toBe(403); // the claim is over
    expect(await revokeHostToken(bed.db, { teamId: bed.teamId, id: two.token.id })).toBe(true);
    const revoked = await post(two.secret, hostTwo.id, theirs.id, "events", batch);
    expect(revoked.status).toBe(401);
    expect(await errorOf(revoked)).toBe("unknown or revoked host token");
    expect(await events(job.id)).toEqual([]);
    expect(await events(theirs.id)).toEqual([]);
  }, 30_000);

  it("keeps a cancelled run's last lines: reports (not files) are taken until a minute after it settled", async () => {
    const { one, hostOne, job, post } = await setup();
    await bed.db.job.update({ where: { id: job.id }, data: { state: "cancelled" } }); // the user cancelled; the worker stops the run
    expect((await post(one.secret, hostOne.id, job.id, "events", { seq: 1, events: [{ ...LOG, message: "stopped: cancelled" }], patch: { progress: 0.9 } })).status).toBe(200);
    expect((await fetch(`${bed.webUrl}/api/worker/jobs/${job.id}/artifacts/result.json`, { method: "PUT", headers: { authorization: `Bearer ${one.secret}`, "x-headroom-host": hostOne.id }, body: "{}" })).status).toBe(403);
    await bed.db.job.update({ where: { id: job.id }, data: { finishedAt: new Date(Date.now() - 30_000) } }); // settled half a minute ago
    expect((await post(one.secret, hostOne.id, job.id, "vram-samples", { seq: 1, chunks: [{ gpuIndex: 0, startedAt: new Date().toISOString(), samplesMib: [1024] }] })).status).toBe(200);
    await bed.db.job.update({ where: { id: job.id }, data: { finishedAt: new Date(Date.now() - 120_000) } }); // two minutes ago
    expect((await post(one.secret, hostOne.id, job.id, "events", { seq: 2, events: [LOG] })).status).toBe(403);
    expect((await events(job.id)).map((e) => e.payload.message)).toEqual(["stopped: cancelled"]);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "cancelled", progress: 0 }); // a cancelled row's progress stays
  }, 30_000);

  it("refuses a malformed batch (400) and an oversized one (413) with a short message, storing nothing", async () => {
    const { one, hostOne, job, post } = await setup();
    const send = (stream: "events" | "vram-samples", body: unknown) => post(one.secret, hostOne.id, job.id, stream, body);
    const cases: [string, "events" | "vram-samples", unknown, number, RegExp][] = [
      ["not JSON", "events", "{ seq: 1", 400, /^the body is not JSON$/],
      ["no seq", "events", { events: [LOG] }, 400, /^the batch is malformed: seq/],
      ["an unknown event type", "events", { seq: 1, events: [LOG, { type: "launch-missiles" }] }, 400, /^event 1 is not a runner event/],
      ["a phase event without its state", "events", { seq: 1, events: [{ type: "phase", phase: "load" }] }, 400, /^event 0 is not a runner event: state/],
      ["progress above 1", "events", { seq: 1, events: [], patch: { progress: 2 } }, 400, /^the batch is malformed: patch\.progress/],
      ["too many events", "events", { seq: 1, events: Array.from({ length: 2001 }, () => LOG) }, 413, /^the batch is malformed: events/],
      ["a body over 4 MiB", "events", { seq: 1, events: [{ ...LOG, message: "x".repeat(5 * 2 ** 20) }] }, 413, /^a batch may be at most 4 MiB$/],
      ["a negative reading", "vram-samples", { seq: 1, chunks: [{ gpuIndex: 0, startedAt: new Date().toISOString(), samplesMib: [-1] }] }, 400, /^the batch is malformed: chunks\.0\.samplesMib\.0/],
      ["a start that is not a time", "vram-samples", { seq: 1, chunks: [{ gpuIndex: 0, startedAt: "yesterday", samplesMib: [1] }] }, 400, /^the batch is malformed: chunks\.0\.startedAt/],
      ["an hour of samples in one chunk", "vram-samples", { seq: 1, chunks: [{ gpuIndex: 0, startedAt: new Date().toISOString(), samplesMib: Array.from({ length: 36_000 }, () => 1) }] }, 413, /^the batch is malformed: chunks\.0\.samplesMib: Too big/],
    ];
    for (const [what, stream, body, status, message] of cases) {
      const response = await send(stream, body);
      expect(response.status, what).toBe(status);
      const error = await errorOf(response);
      expect(error, what).toMatch(message);
      expect(error, what).not.toMatch(/\/tmp|\/work|SELECT|INSERT|at .*\.ts:\d+|prisma/i); // no path, SQL or stack
    }
    expect(await events(job.id)).toEqual([]);
    expect(await getVramSeries(bed.db, { teamId: bed.teamId, jobId: job.id })).toEqual([]);
    expect(await getJobById(bed.db, job.id)).toMatchObject({ progress: 0, phase: null });
  }, 60_000);
});
