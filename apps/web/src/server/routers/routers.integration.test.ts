import { resolvePlan, type PlanInput } from "@headroom/estimator";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, TEST_HOST_NAME, type RouterHarness } from "../../testing/router-harness.ts";
import { describePlan } from "../../lib/describe-plan.ts";
import { createAsset, createJob } from "../data.ts";
import type { Viewer } from "../viewer.ts";

const OOM_PLAN: PlanInput = { hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } };
// Fits with a warning (a given 128 GB host, under FR-19's 256 GB line for offload), so submit asks for a confirmation first.
const FITS_PLAN: PlanInput = { hardware: { gpu: "h100-sxm", count: 1, hostRamGb: 128 }, params: { numClip: 10 } };

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
};

let h: RouterHarness;
let alice: Viewer & { teamId: string };
let bob: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  alice = await h.signUp("Alice");
  bob = await h.signUp("Bob");
});
afterAll(() => h.close());

describe("feasibility", () => {
  it("checks a plan without a session: 5 × RTX 4090 at 704*384 with 100 clips runs out of memory", async () => {
    const { estimate, verdict } = await h.callerFor(null).feasibility.check(resolvePlan(OOM_PLAN));
    expect(verdict.status).toBe("out-of-memory");
    expect(estimate.gpus[estimate.worstRank]!.peakPhase).toBe("denoise");
  });
  it("suggests plans that fit, only on request", async () => {
    const suggestions = await h.callerFor(null).feasibility.suggest(resolvePlan(OOM_PLAN));
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.some((s) => s.verdict.status === "runs")).toBe(true);
  });
  it("a plan that fits but leans on inferred FSDP (and a committed run measured it OOM) is risky, and its suggestions list safe plans first", async () => {
    const risky = resolvePlan({ ...OOM_PLAN, hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 256 }, params: { ...OOM_PLAN.params, fp8: true, t5Cpu: true }, parallel: { ditFsdp: true } });
    const { verdict } = await h.callerFor(null).feasibility.check(risky);
    expect(verdict.status).toBe("risky");
    expect(verdict.findings.map((f) => f.ruleId)).toContain("measured/oom-of-this-plan");
    const suggestions = await h.callerFor(null).feasibility.suggest(resolvePlan({ ...OOM_PLAN, hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { ...OOM_PLAN.params, fp8: true } }));
    const ranks = (status: "risky" | "safe") => suggestions.filter((s) => (s.verdict.status === "risky") === (status === "risky")).map((s) => s.rank);
    expect(ranks("risky").length).toBeGreaterThan(0);
    expect(Math.min(...ranks("risky"))).toBeGreaterThan(Math.max(...ranks("safe")));
    expect(suggestions.every((s) => s.group === (s.hardwareChanges.length === 0 ? "same-hardware" : "different-hardware"))).toBe(true);
  });
  it("rejects a malformed plan with the schema's message", async () => {
    expect(await codeOf(h.callerFor(null).feasibility.check({ ...resolvePlan(), params: { ...resolvePlan().params, size: "big" } }))).toBe("BAD_REQUEST");
  });
});

describe("reports", () => {
  it("stores the server's own check behind an unguessable id", async () => {
    const { id } = await h.callerFor(alice).reports.create({ plan: resolvePlan(OOM_PLAN) });
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const report = await h.callerFor(alice).reports.get({ id });
    expect(report.verdict.status).toBe("out-of-memory");
    expect(report.teamId).toBe(alice.teamId);
  });
  it("a share link is readable signed out, and reveals no team, author or uploads", async () => {
    const { id } = await h.callerFor(alice).reports.create({ plan: resolvePlan(OOM_PLAN) });
    const shared = await h.callerFor(null).reports.shared({ id });
    expect(Object.keys(shared).sort()).toEqual(["createdAt", "estimate", "estimatorVersion", "id", "plan", "verdict"]);
  });
  it("a member of team B cannot read team A's report by id", async () => {
    const { id } = await h.callerFor(alice).reports.create({ plan: resolvePlan(OOM_PLAN) });
    expect(await codeOf(h.callerFor(bob).reports.get({ id }))).toBe("NOT_FOUND");
  });
  it("sharing needs an account", async () => {
    expect(await codeOf(h.callerFor(null).reports.create({ plan: resolvePlan() }))).toBe("UNAUTHORIZED");
  });
});

describe("jobs", () => {
  it("refuses an invalid plan for any runner and shows the findings", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan({ params: { precision: "fp16" } }), runner: "probe", confirmWarnings: true });
    expect(outcome.kind).toBe("refused");
    if (outcome.kind === "refused") expect(outcome.findings.map((f) => f.ruleId)).toContain("precision/fr-11");
    expect((await h.callerFor(alice).jobs.list({})).items).toHaveLength(0);
  });

  it("queues a probe job of a predicted out-of-memory: measuring one is the probe's work (the worker's answer too)", async () => {
    const carol = await h.signUp("Carol");
    const outcome = await h.callerFor(carol).jobs.submit({ plan: resolvePlan(OOM_PLAN), runner: "probe", confirmWarnings: true });
    expect(outcome.kind).toBe("queued");
  });

  it("asks to confirm warnings, then stores and enqueues the job in one transaction", async () => {
    const plan = resolvePlan(FITS_PLAN);
    const first = await h.callerFor(alice).jobs.submit({ plan, runner: "probe" });
    expect(first.kind).toBe("confirm");
    const second = await h.callerFor(alice).jobs.submit({ plan, runner: "probe", confirmWarnings: true });
    expect(second.kind).toBe("queued");
    if (second.kind !== "queued") return;
    expect(second.job.predictedPeakBytes).toBeGreaterThan(0);
    const queued = await h.db.$queryRawUnsafe<{ id: string }[]>("SELECT id::text AS id FROM pgboss.job WHERE id = $1::uuid", second.job.id);
    expect(queued).toHaveLength(1);
    expect((await h.callerFor(alice).jobs.list({})).items.map((job) => job.id)).toContain(second.job.id);
  });

  it("stores nothing when the enqueue fails", async () => {
    const broken = { ...h.queue, boss: { ...h.queue.boss, send: async () => { throw new Error("queue down"); } } } as unknown as typeof h.queue;
    const before = (await h.callerFor(alice).jobs.list({ limit: 100 })).items.length;
    const caller = (await import("../root.ts")).createCaller({ db: h.db, storageDir: h.storageDir, queue: broken, viewer: async () => alice });
    await expect(caller.jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "probe", confirmWarnings: true })).rejects.toThrow(/queue down/);
    expect((await h.callerFor(alice).jobs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("a member of team B cannot read, follow or cancel team A's job by id", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "probe", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error("expected a queued job");
    const id = outcome.job.id;
    expect(await codeOf(h.callerFor(bob).jobs.get({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(h.callerFor(bob).jobs.events({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(h.callerFor(bob).jobs.vram({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(h.callerFor(bob).jobs.cancel({ id }))).toBe("NOT_FOUND");
    expect(await codeOf(h.callerFor(bob).jobs.rerun({ id }))).toBe("NOT_FOUND");
    expect((await h.callerFor(bob).jobs.list({})).items).toHaveLength(0);
    expect((await h.callerFor(alice).jobs.get({ id })).job.state).toBe("queued");
  });

  it("cancels a queued job: the row and its queue entry", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "probe", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error("expected a queued job");
    const cancelled = await h.callerFor(alice).jobs.cancel({ id: outcome.job.id });
    expect(cancelled.kind).toBe("cancelled");
    expect(cancelled.job.state).toBe("cancelled");
    expect((await h.callerFor(alice).jobs.list({ state: "cancelled" })).items.map((job) => job.id)).toContain(outcome.job.id);
  });

  it("filters by member and pages with a cursor", async () => {
    const page = await h.callerFor(alice).jobs.list({ userId: alice.userId, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const next = await h.callerFor(alice).jobs.list({ userId: alice.userId, limit: 1, cursor: page.nextCursor });
    expect(next.items[0]!.id).not.toBe(page.items[0]!.id);
    expect((await h.callerFor(alice).jobs.list({ userId: bob.userId })).items).toHaveLength(0);
    expect(await codeOf(h.callerFor(alice).jobs.list({ cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
  });

  it("LiveAvatar jobs need an image and an audio file", async () => {
    expect(await codeOf(h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "liveavatar", confirmWarnings: true }))).toBe("BAD_REQUEST");
  });

  it("needs a session and a team", async () => {
    expect(await codeOf(h.callerFor(null).jobs.list({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(h.callerFor({ ...alice, teamId: bob.teamId }).jobs.list({}))).toBe("FORBIDDEN");
  });
});

describe("team and hosts", () => {
  it("lists the viewer's own team members only", async () => {
    const members = await h.callerFor(alice).team.members();
    expect(members.map((m) => m.userId)).toEqual([alice.userId]);
    expect(members[0]!.role).toBe("owner");
  });
  it("shows hosts to signed-in people", async () => {
    expect((await h.callerFor(alice).hosts.list()).map((host) => host.name)).toEqual([TEST_HOST_NAME]); // the harness's host
    expect(await codeOf(h.callerFor(null).hosts.list())).toBe("UNAUTHORIZED");
  });
});

describe("job prompts", () => {
  const assetsFor = async (viewer: Viewer & { teamId: string }) => {
    const common = { teamId: viewer.teamId, uploaderId: viewer.userId, bytes: 4, sha256: "0".repeat(64) };
    const image = await createAsset(h.db, { ...common, kind: "image", mime: "image/jpeg", storagePath: "in/face.jpg" });
    const audio = await createAsset(h.db, { ...common, kind: "audio", mime: "audio/wav", storagePath: "in/voice.wav", durationSeconds: 5 });
    return [image.id, audio.id];
  };
  const messageOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    return (error as TRPCError).message;
  };

  it("refuses a LiveAvatar job of a predicted out-of-memory, naming the finding", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(OOM_PLAN), runner: "liveavatar", inputAssetIds: await assetsFor(alice), prompt: "A portrait.", confirmWarnings: true });
    expect(outcome.kind).toBe("refused");
    if (outcome.kind === "refused") expect(outcome.findings.map((f) => f.ruleId)).toContain("memory/out-of-memory");
  });

  it("stores the submitted prompt, trimmed, and shows it on the job", async () => {
    const inputAssetIds = await assetsFor(alice);
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "liveavatar", inputAssetIds, prompt: "  A dwarf at his forge.\nWarm light.  ", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error(`expected a queued job, got ${outcome.kind}`);
    expect(outcome.job.prompt).toBe("A dwarf at his forge.\nWarm light.");
    expect((await h.callerFor(alice).jobs.get({ id: outcome.job.id })).job.prompt).toBe("A dwarf at his forge.\nWarm light.");
  });

  it("takes the audio's length from the stored upload: the job's title says the clips that will run, as its estimate does", async () => {
    const inputAssetIds = await assetsFor(alice);
    // num_clip 10 on the stored 5 s audio: ⌈25 · 5 / 48⌉ = 3 clips, 5.76 s of video
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "liveavatar", inputAssetIds, prompt: "A portrait.", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error(`expected a queued job, got ${outcome.kind}`);
    const { job } = await h.callerFor(alice).jobs.get({ id: outcome.job.id });
    expect(job.plan.params.audioSeconds).toBe(5);
    expect(describePlan(job.plan)).toContain(" · 3 clips · 5.8 s video · ");
    const listed = (await h.callerFor(alice).jobs.list({})).items.find((item) => item.id === job.id);
    expect(listed && describePlan(listed.plan)).toContain(" · 3 clips · 5.8 s video · ");
  });

  it("a probe job may go without a prompt", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "probe", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error("expected a queued job");
    expect(outcome.job.prompt).toBeNull();
  });

  it("refuses a LiveAvatar job without a prompt, and blank, overlong or control-character prompts, saying why", async () => {
    const before = (await h.callerFor(alice).jobs.list({ limit: 100 })).items.length;
    const job = { plan: resolvePlan(FITS_PLAN), runner: "liveavatar" as const, inputAssetIds: await assetsFor(alice), confirmWarnings: true };
    expect(await messageOf(h.callerFor(alice).jobs.submit(job))).toMatch(/LiveAvatar needs a prompt/);
    expect(await messageOf(h.callerFor(alice).jobs.submit({ ...job, prompt: " \n " }))).toMatch(/The prompt is empty/);
    expect(await messageOf(h.callerFor(alice).jobs.submit({ ...job, prompt: "x".repeat(2001) }))).toMatch(/The prompt is too long: keep it to 2000 characters/);
    expect(await messageOf(h.callerFor(alice).jobs.submit({ ...job, runner: "probe", inputAssetIds: [], prompt: "a\u0000b" }))).toMatch(/control characters/);
    expect((await h.callerFor(alice).jobs.list({ limit: 100 })).items.length).toBe(before);
  });

  it("run again keeps the prompt", async () => {
    const inputAssetIds = await assetsFor(alice);
    const first = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "liveavatar", inputAssetIds, prompt: "A lighthouse keeper, at dusk.", confirmWarnings: true });
    if (first.kind !== "queued") throw new Error("expected a queued job");
    const again = await h.callerFor(alice).jobs.rerun({ id: first.job.id, confirmWarnings: true });
    if (again.kind !== "queued") throw new Error("expected the rerun to queue");
    expect(again.job.id).not.toBe(first.job.id);
    expect(again.job).toMatchObject({ prompt: "A lighthouse keeper, at dusk.", runner: "liveavatar", inputAssetIds });
  });

  it("the stored upload's pixel size decides the frame, whatever size the browser sent; another team's upload is not found", async () => {
    const common = { teamId: alice.teamId, uploaderId: alice.userId, bytes: 4, sha256: "0".repeat(64) };
    const image = await createAsset(h.db, { ...common, kind: "image", mime: "image/png", storagePath: "in/portrait.png", width: 1080, height: 1920 });
    const audio = await createAsset(h.db, { ...common, kind: "audio", mime: "audio/wav", storagePath: "in/voice.wav", durationSeconds: 5 });
    const plan = resolvePlan({ ...FITS_PLAN, params: { ...FITS_PLAN.params, imageSize: "720*400" } });
    const outcome = await h.callerFor(alice).jobs.submit({ plan, runner: "liveavatar", inputAssetIds: [image.id, audio.id], prompt: "A portrait.", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error(`expected a queued job, got ${outcome.kind}`);
    expect(outcome.job.plan.params.imageSize).toBe("1080*1920");
    expect(outcome.job.estimate?.frame).toMatchObject({ width: 384, height: 704, isAssumedImage: false });
    const bobs = await h.callerFor(bob).jobs.submit({ plan, runner: "liveavatar", inputAssetIds: [image.id, audio.id], prompt: "A portrait.", confirmWarnings: true }).then(() => null, (e: unknown) => e);
    expect((bobs as TRPCError).code).toBe("NOT_FOUND");
  });

  it("will not run again a LiveAvatar job stored before prompts were", async () => {
    const legacy = await createJob(h.db, { teamId: alice.teamId, userId: alice.userId, plan: resolvePlan(FITS_PLAN), runner: "liveavatar", inputAssetIds: await assetsFor(alice) });
    expect(await messageOf(h.callerFor(alice).jobs.rerun({ id: legacy.id, confirmWarnings: true }))).toMatch(/stored without a prompt/);
  });
});

describe("request limits", () => {
  it("jobs.events refuses an afterSeq past Postgres' integer range with BAD_REQUEST, not the database's error", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "probe", confirmWarnings: true });
    if (outcome.kind !== "queued") throw new Error("expected a queued job");
    expect(await codeOf(h.callerFor(alice).jobs.events({ id: outcome.job.id, afterSeq: 2147483648 }))).toBe("BAD_REQUEST");
    expect(await codeOf(h.callerFor(alice).jobs.events({ id: outcome.job.id, afterSeq: 1e300 }))).toBe("BAD_REQUEST");
    await expect(h.callerFor(alice).jobs.events({ id: outcome.job.id, afterSeq: 2147483647 })).resolves.toEqual(expect.anything());
  });

  it("a plan's clip count has an upper bound", async () => {
    const plan = resolvePlan(FITS_PLAN);
    expect(await codeOf(h.callerFor(null).feasibility.check({ ...plan, params: { ...plan.params, numClip: 2 ** 53 } }))).toBe("BAD_REQUEST");
  });

  it("a LiveAvatar job needs exactly one image and one audio file, checked by kind before it is queued", async () => {
    const common = { teamId: alice.teamId, uploaderId: alice.userId, bytes: 4, sha256: "0".repeat(64) };
    const image = () => createAsset(h.db, { ...common, kind: "image", mime: "image/png", storagePath: "in/a.png", width: 720, height: 400 });
    const audio = () => createAsset(h.db, { ...common, kind: "audio", mime: "audio/wav", storagePath: "in/a.wav", durationSeconds: 5 });
    const before = (await h.callerFor(alice).jobs.list({ limit: 100 })).items.length;
    const submit = (inputAssetIds: string[]) => h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS_PLAN), runner: "liveavatar", inputAssetIds, prompt: "A portrait.", confirmWarnings: true });
    const refusal = async (inputAssetIds: string[]) => {
      const error = await submit(inputAssetIds).then(() => null, (e: unknown) => e);
      expect((error as TRPCError).code).toBe("BAD_REQUEST");
      return (error as TRPCError).message;
    };
    expect(await refusal([(await image()).id, (await image()).id])).toBe("LiveAvatar needs exactly one reference image and one audio file; this job has 2 images and no audio.");
    expect(await refusal([(await audio()).id, (await audio()).id])).toBe("LiveAvatar needs exactly one reference image and one audio file; this job has no image and 2 audio files.");
    expect((await h.callerFor(alice).jobs.list({ limit: 100 })).items.length).toBe(before);
    expect((await submit([(await image()).id, (await audio()).id])).kind).toBe("queued");
  });
});
