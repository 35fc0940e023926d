// The run console's router answers: submit knows the hosts (a plan no online host runs is saved as a check), and the
// jobs list filters by state, member and GPU across keyset pages.
import { resolvePlan, type PlanInput } from "@headroom/estimator";
import { addMember, createHostToken, upsertWorkerHost, type HostInventory } from "@headroom/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, TEST_HOST_NAME, type RouterHarness } from "../../testing/router-harness.ts";
import { createJob, updateJob } from "../data.ts";
import type { Viewer } from "../viewer.ts";

// Fits with a warning only (the router test's FITS_PLAN), so a confirmed submit queues where a host takes it.
const FITS: PlanInput = { hardware: { gpu: "h100-sxm", count: 1, hostRamGb: 128 }, params: { numClip: 10 } };
const H200 = 143_771 * 2 ** 20; // nvidia-smi's total for an H200 (apps/worker/src/preflight/captures/h200x2)

const inventory = (count: number, runners: HostInventory["runners"]): HostInventory => ({
  gpus: Array.from({ length: count }, (_, index) => ({ index, name: "NVIDIA H200", busId: null, totalBytes: H200, freeBytes: H200, usedBytes: 0, reservedBytes: null, driverVersion: "570.0", pcieWidth: 16, pcieGen: 5 })),
  links: [], hostRam: null, cudaVersion: null, warnings: [], device: "cuda", runners,
});

let h: RouterHarness;
let alice: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  alice = await h.signUp("Alice");
});
afterAll(() => h.close());

describe("submit knows the hosts", () => {
  it("queues on the harness's 8 × H200 host and names it", async () => {
    const outcome = await h.callerFor(alice).jobs.submit({ plan: resolvePlan(FITS), runner: "probe", confirmWarnings: true });
    expect(outcome).toMatchObject({ kind: "queued", hosts: [TEST_HOST_NAME] });
  });

  it("saves a plan no online host can run as a check, with a message that says what is missing, and queues nothing", async () => {
    const dora = await h.signUp("Dora");
    const plan = resolvePlan({ hardware: { gpu: "b200", count: 1 }, params: { numClip: 10 } });
    const outcome = await h.callerFor(dora).jobs.submit({ plan, runner: "probe", confirmWarnings: true });
    if (outcome.kind !== "saved-as-check") throw new Error(`expected saved-as-check, got ${outcome.kind}`);
    expect(outcome.message).toBe(
      `No online host can run 1 × B200 180GB (178.35 GiB usable each) with the probe (${TEST_HOST_NAME}: the plan needs 1 GPU of at least 178.35 GiB; it has 0). Saved as a check instead of a job.`,
    );
    const report = await h.callerFor(dora).reports.get({ id: outcome.reportId });
    expect(report.plan).toEqual(plan);
    expect(report.teamId).toBe(dora.teamId);
    expect((await h.callerFor(dora).jobs.list({})).items).toEqual([]);
  });

  it("offers LiveAvatar only where it is installed: with the only LiveAvatar host offline, a LiveAvatar plan is saved as a check", async () => {
    const erin = await h.signUp("Erin");
    const seen = { hostname: "t", preflight: [] };
    await upsertWorkerHost(h.db, { ...seen, name: TEST_HOST_NAME, inventory: inventory(8, ["liveavatar", "probe", "upstream"]), seenAt: new Date(0) });
    await upsertWorkerHost(h.db, { ...seen, name: "probe-only", inventory: inventory(2, ["probe"]) });
    try {
      const plan = resolvePlan(FITS);
      const probe = await h.callerFor(erin).jobs.submit({ plan, runner: "probe", confirmWarnings: true });
      expect(probe).toMatchObject({ kind: "queued", hosts: ["probe-only"] });
      const assets = await Promise.all(
        (["image", "audio"] as const).map((kind) =>
          h.db.asset.create({ data: { teamId: erin.teamId, uploaderId: erin.userId, kind, mime: kind === "image" ? "image/jpeg" : "audio/wav", bytes: 4, sha256: "0".repeat(64), storagePath: `in/${kind}` }, select: { id: true } }),
        ),
      );
      const liveavatar = await h.callerFor(erin).jobs.submit({ plan, runner: "liveavatar", prompt: "A portrait.", inputAssetIds: assets.map((a) => a.id), confirmWarnings: true });
      expect(liveavatar).toMatchObject({ kind: "saved-as-check", message: expect.stringContaining("with LiveAvatar (probe-only: LiveAvatar is not installed there)") });
      expect((await h.callerFor(erin).jobs.list({})).items.map((job) => job.runner)).toEqual(["probe"]);
    } finally {
      await upsertWorkerHost(h.db, { ...seen, name: TEST_HOST_NAME, inventory: inventory(8, ["liveavatar", "probe", "upstream"]), seenAt: new Date(Date.now() + 3_600_000) });
      await upsertWorkerHost(h.db, { ...seen, name: "probe-only", inventory: inventory(2, ["probe"]), seenAt: new Date(0) });
    }
  });

  it("matches only hosts whose token names the team: a host serving another team is named but not used", async () => {
    const fred = await h.signUp("Fred");
    const gina = await h.signUp("Gina");
    const seen = { hostname: "t", preflight: [] };
    const { token } = await createHostToken(h.db, { name: "gina's box", teamIds: [gina.teamId] });
    await upsertWorkerHost(h.db, { ...seen, name: TEST_HOST_NAME, inventory: inventory(8, ["liveavatar", "probe", "upstream"]), tokenId: token.id });
    try {
      const outcome = await h.callerFor(fred).jobs.submit({ plan: resolvePlan(FITS), runner: "probe", confirmWarnings: true });
      expect(outcome).toMatchObject({ kind: "saved-as-check", message: expect.stringContaining(`${TEST_HOST_NAME}: its host token does not name your team`) });
      expect(await h.callerFor(gina).jobs.submit({ plan: resolvePlan(FITS), runner: "probe", confirmWarnings: true })).toMatchObject({ kind: "queued", hosts: [TEST_HOST_NAME] });
      const listed = (await h.callerFor(fred).hosts.list()).find((host) => host.name === TEST_HOST_NAME);
      expect(listed).toMatchObject({ servesYourTeam: false, token: { name: "gina's box", state: "live", allTeams: false } });
      expect(JSON.stringify(listed)).not.toContain(gina.teamId); // which teams a token names is not another team's business
    } finally {
      await h.db.workerHost.update({ where: { name: TEST_HOST_NAME }, data: { tokenId: null } });
    }
  });
});

describe("jobs list filters", () => {
  it("filters by state, member and GPU, and pages through a filter with the cursor", async () => {
    const gail = await h.signUp("Gail");
    const hank = await h.signUp("Hank");
    await addMember(h.db, { teamId: gail.teamId, userId: hank.userId, role: "member" });
    const make = (userId: string, gpu: "rtx-4090" | "h200") => createJob(h.db, { teamId: gail.teamId, userId, plan: resolvePlan({ hardware: { gpu, count: 1 } }), runner: "probe" });
    const jobs = [await make(gail.userId, "rtx-4090"), await make(gail.userId, "h200"), await make(hank.userId, "rtx-4090"), await make(hank.userId, "rtx-4090")];
    await updateJob(h.db, jobs[3]!.id, { state: "failed" });
    const list = (input: Parameters<ReturnType<RouterHarness["callerFor"]>["jobs"]["list"]>[0]) => h.callerFor(gail).jobs.list(input).then((page) => page.items.map((job) => job.id));

    expect(await list({ gpu: "rtx-4090" })).toEqual([jobs[3]!.id, jobs[2]!.id, jobs[0]!.id]);
    expect(await list({ gpu: "h200" })).toEqual([jobs[1]!.id]);
    expect(await list({ gpu: "rtx-4090", userId: hank.userId, state: "queued" })).toEqual([jobs[2]!.id]);
    expect(await list({ gpu: "b200" })).toEqual([]);

    const first = await h.callerFor(gail).jobs.list({ gpu: "rtx-4090", limit: 2 });
    expect(first.items.map((job) => job.id)).toEqual([jobs[3]!.id, jobs[2]!.id]);
    const second = await h.callerFor(gail).jobs.list({ gpu: "rtx-4090", limit: 2, cursor: first.nextCursor });
    expect(second).toMatchObject({ items: [{ id: jobs[0]!.id }], nextCursor: null });
  });

  it("refuses a GPU that is not in the catalog", async () => {
    await expect(h.callerFor(alice).jobs.list({ gpu: "gtx-480" as never })).rejects.toThrow(/Invalid option/);
  });
});
