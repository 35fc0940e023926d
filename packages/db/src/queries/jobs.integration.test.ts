import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withTransaction } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import { predictedPeakBytes } from "../json/estimate.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import { fixturePlan, seedTeam, sha256Of } from "../testing/fixtures.ts";
import { createAsset, getAssets } from "./assets.ts";
import { listArtifacts, recordArtifact } from "./artifacts.ts";
import { appendJobEvents, listJobEvents } from "./job-events.ts";
import { createJob, getJob, getJobById, updateJob } from "./jobs.ts";
import { listJobs } from "./list-jobs.ts";
import { addMember, createUser } from "./teams.ts";
import { appendVramSamples, getVramSeries } from "./vram-series.ts";

const { plan, estimate } = fixturePlan();

describe("jobs", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let teamA: Awaited<ReturnType<typeof seedTeam>>;
  let teamB: Awaited<ReturnType<typeof seedTeam>>;

  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"));
    teamA = await seedTeam(database.db, "a");
    teamB = await seedTeam(database.db, "b");
  });
  afterAll(() => database.drop());

  it("creates a queued job with its plan, estimate and predicted peak, and reads it back parsed", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, estimate, runner: "probe" });
    expect(job).toMatchObject({ state: "queued", runner: "probe", attempts: 0, progress: 0, errorClass: null, hostId: null });
    expect(job.predictedPeakBytes).toBe(Math.round(predictedPeakBytes(estimate)));
    expect(await getJob(database.db, { teamId: teamA.team.id, id: job.id })).toEqual(job);
    expect(job.plan).toEqual(plan);
    expect(job.estimate).toEqual(estimate);
  });

  it("stores the job's prompt as given and reads it back; a job without one has null", async () => {
    const prompt = "A dwarf at his forge, laughing.\nWarm light, \"quoted\" — and ünïcode.";
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "liveavatar", prompt });
    expect(job.prompt).toBe(prompt);
    expect((await getJobById(database.db, job.id)).prompt).toBe(prompt);
    expect((await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "probe" })).prompt).toBeNull();
  });

  it("never shows one team's job to another team", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "liveavatar" });
    const read = getJob(database.db, { teamId: teamB.team.id, id: job.id });
    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await expect(read).rejects.toMatchObject({ entity: "job", id: job.id });
    await expect(listJobEvents(database.db, { teamId: teamB.team.id, jobId: job.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getVramSeries(database.db, { teamId: teamB.team.id, jobId: job.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listArtifacts(database.db, { teamId: teamB.team.id, jobId: job.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await listJobs(database.db, { teamId: teamB.team.id })).items.map((j) => j.id)).not.toContain(job.id);
  });

  it("refuses input assets of another team", async () => {
    const common = { kind: "image" as const, mime: "image/png", bytes: 10, storagePath: "x.png" };
    const own = await createAsset(database.db, { ...common, teamId: teamA.team.id, uploaderId: teamA.user.id, sha256: sha256Of("a"), width: 4, height: 4 });
    const foreign = await createAsset(database.db, { ...common, teamId: teamB.team.id, uploaderId: teamB.user.id, sha256: sha256Of("b") });
    const base = { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "probe" as const };
    await expect(createJob(database.db, { ...base, inputAssetIds: [own.id, foreign.id] })).rejects.toMatchObject({ entity: "asset", id: foreign.id });
    const job = await createJob(database.db, { ...base, inputAssetIds: [own.id] });
    expect(job.inputAssetIds).toEqual([own.id]);
    expect(await getAssets(database.db, { teamId: teamA.team.id, ids: [own.id] })).toEqual([own]);
    await expect(getAssets(database.db, { teamId: teamA.team.id, ids: [foreign.id] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("creates the job inside the caller's transaction, and rolls back with it", async () => {
    const before = (await listJobs(database.db, { teamId: teamB.team.id, limit: 100 })).items.length;
    const failing = withTransaction(database.db, async (tx) => {
      await createJob(tx, { teamId: teamB.team.id, userId: teamB.user.id, plan, runner: "probe" });
      throw new Error("enqueue failed");
    });
    await expect(failing).rejects.toThrow("enqueue failed");
    expect((await listJobs(database.db, { teamId: teamB.team.id, limit: 100 })).items.length).toBe(before);
  });

  it("updates state only from the states it expects (cancel racing finish)", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "probe" });
    const running = await updateJob(database.db, job.id, { state: "running", startedAt: new Date(), attempts: 1 }, { ifStateIn: ["queued"] });
    expect(running?.state).toBe("running");
    const failed = await updateJob(
      database.db,
      job.id,
      { state: "failed", finishedAt: new Date(), errorClass: "out-of-memory", errorMessage: "at decode", measuredPeakBytes: 2.5e10 },
      { ifStateIn: ["running"] },
    );
    expect(failed).toMatchObject({ state: "failed", errorClass: "out-of-memory", measuredPeakBytes: 2.5e10 });
    expect(await updateJob(database.db, job.id, { state: "cancelled" }, { ifStateIn: ["queued", "running"] })).toBeNull();
    expect((await getJobById(database.db, job.id)).state).toBe("failed");
  });

  it("numbers events 1, 2, 3 … even when appenders race", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "probe" });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        appendJobEvents(database.db, job.id, [
          { type: "progress", payload: { progress: i / 10 } },
          { type: "log", payload: { line: `batch ${i}` } },
        ]),
      ),
    );
    const events = await listJobEvents(database.db, { teamId: teamA.team.id, jobId: job.id });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await listJobEvents(database.db, { teamId: teamA.team.id, jobId: job.id, afterSeq: 8 })).toHaveLength(2);
    await expect(appendJobEvents(database.db, "no-such-job", [{ type: "log", payload: {} }])).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stores VRAM samples in chunks and returns one trace per GPU", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "probe" });
    const t0 = new Date("2026-11-26T12:00:00.000Z");
    await appendVramSamples(database.db, { jobId: job.id, gpuIndex: 0, startedAt: t0, samplesMib: [100, 200, 300] });
    await appendVramSamples(database.db, { jobId: job.id, gpuIndex: 1, startedAt: t0, samplesMib: [50] });
    await appendVramSamples(database.db, { jobId: job.id, gpuIndex: 0, startedAt: new Date(t0.getTime() + 300), samplesMib: [250] });
    const traces = await getVramSeries(database.db, { teamId: teamA.team.id, jobId: job.id });
    expect(traces).toEqual([
      {
        gpuIndex: 0,
        peakMib: 300,
        chunks: [
          { startedAt: t0, intervalMs: 100, samplesMib: [100, 200, 300] },
          { startedAt: new Date(t0.getTime() + 300), intervalMs: 100, samplesMib: [250] },
        ],
      },
      { gpuIndex: 1, peakMib: 50, chunks: [{ startedAt: t0, intervalMs: 100, samplesMib: [50] }] },
    ]);
    await expect(appendVramSamples(database.db, { jobId: "missing", gpuIndex: 0, startedAt: t0, samplesMib: [1] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("records artifacts", async () => {
    const job = await createJob(database.db, { teamId: teamA.team.id, userId: teamA.user.id, plan, runner: "liveavatar" });
    const video = await recordArtifact(database.db, { jobId: job.id, kind: "video", path: `${job.id}/out.mp4`, bytes: 3e9, mime: "video/mp4" });
    expect(await listArtifacts(database.db, { teamId: teamA.team.id, jobId: job.id })).toEqual([video]);
    await expect(recordArtifact(database.db, { jobId: "missing", kind: "log", path: "x.log", bytes: 1, mime: "text/plain" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("listJobs", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let teamId: string;
  let alice: string;
  let bob: string;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"));
    const seeded = await seedTeam(database.db, "list");
    teamId = seeded.team.id;
    alice = seeded.user.id;
    bob = (await createUser(database.db, { name: "Bob", email: "bob-list@example.test" })).id;
    await addMember(database.db, { teamId, userId: bob });
    const other = await seedTeam(database.db, "other");
    await createJob(database.db, { teamId: other.team.id, userId: other.user.id, plan, runner: "probe" });
    // 7 jobs: alternate users; two share a createdAt to exercise the id tie-break
    for (let i = 0; i < 7; i++) {
      const job = await createJob(database.db, { teamId, userId: i % 2 === 0 ? alice : bob, plan, runner: "probe" });
      const createdAt = new Date(Date.UTC(2026, 10, 26, 12, 0, i === 4 ? 3 : i));
      await database.db.job.update({ where: { id: job.id }, data: { createdAt, ...(i % 3 === 0 && { state: "succeeded" }) } });
      ids.push(job.id);
    }
  });
  afterAll(() => database.drop());

  const newestFirst = () => {
    // createdAt desc, then id desc (jobs 3 and 4 share a timestamp)
    const order = [6, 5, 4, 3, 2, 1, 0];
    const [three, four] = [ids[3] as string, ids[4] as string];
    if (three > four) order.splice(2, 2, 3, 4);
    return order.map((i) => ids[i]);
  };

  it("pages through the team's jobs newest first without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listJobs(database.db, { teamId, cursor, limit: 3 });
      seen.push(...page.items.map((job) => job.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst());
  });

  it("filters by state and by member", async () => {
    const succeeded = await listJobs(database.db, { teamId, state: "succeeded" });
    expect(succeeded.items.map((job) => job.id).sort()).toEqual([ids[0], ids[3], ids[6]].sort());
    expect(succeeded.items.every((job) => job.state === "succeeded")).toBe(true);
    const bobs = await listJobs(database.db, { teamId, userId: bob, limit: 2 });
    expect(bobs.items).toHaveLength(2);
    const rest = await listJobs(database.db, { teamId, userId: bob, limit: 2, cursor: bobs.nextCursor });
    expect([...bobs.items, ...rest.items].map((job) => job.id).sort()).toEqual([ids[1], ids[3], ids[5]].sort());
    expect(rest.nextCursor).toBeNull();
    const bobsSucceeded = await listJobs(database.db, { teamId, userId: bob, state: "succeeded" });
    expect(bobsSucceeded.items.map((job) => job.id)).toEqual([ids[3]]);
  });

  it("returns summaries with parsed plans and clamps the limit", async () => {
    const page = await listJobs(database.db, { teamId, limit: 1000 });
    expect(page.items).toHaveLength(7);
    expect(page.items[0]?.plan).toEqual(plan);
    expect(page.items[0]).not.toHaveProperty("estimate");
  });

  it("rejects a forged cursor", async () => {
    await expect(listJobs(database.db, { teamId, cursor: "not-a-cursor" })).rejects.toThrow(RangeError);
  });
});
