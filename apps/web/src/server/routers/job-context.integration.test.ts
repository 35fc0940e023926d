import { resolvePlan } from "@headroom/estimator";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, TEST_HOST_NAME, type RouterHarness } from "../../testing/router-harness.ts";
import { createAsset, createJob, listWorkerHosts, updateJob } from "../data.ts";
import type { Viewer } from "../viewer.ts";

let h: RouterHarness;
let alice: Viewer & { teamId: string };
let bob: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  alice = await h.signUp("Alice");
  bob = await h.signUp("Bob");
});
afterAll(() => h.close());

describe("jobs.context", () => {
  it("gives the job's uploads in runner order without their storage path, and the host that took it", async () => {
    const common = { teamId: alice.teamId, uploaderId: alice.userId, bytes: 2048, sha256: "0".repeat(64) };
    const image = await createAsset(h.db, { ...common, kind: "image", mime: "image/png", storagePath: "in/face.png", width: 512, height: 512 });
    const audio = await createAsset(h.db, { ...common, kind: "audio", mime: "audio/wav", storagePath: "in/voice.wav", durationSeconds: 5 });
    const job = await createJob(h.db, { teamId: alice.teamId, userId: alice.userId, plan: resolvePlan(), runner: "liveavatar", prompt: "A smith.", inputAssetIds: [image.id, audio.id] });
    const host = (await listWorkerHosts(h.db)).find((found) => found.name === TEST_HOST_NAME)!;
    await updateJob(h.db, job.id, { hostId: host.id, state: "running" });

    const context = await h.callerFor(alice).jobs.context({ id: job.id });
    expect(context.inputs.map((input) => [input.kind, input.id])).toEqual([["image", image.id], ["audio", audio.id]]);
    expect(context.inputs[1]).toMatchObject({ durationSeconds: 5, mime: "audio/wav" });
    expect(JSON.stringify(context)).not.toContain("in/face.png");
    expect(context.host).toMatchObject({ name: TEST_HOST_NAME, isOnline: true });
    expect(context.host!.gpus[0]!.name).toBe("NVIDIA H200");
  });

  it("a queued probe job has no inputs and no host yet", async () => {
    const job = await createJob(h.db, { teamId: alice.teamId, userId: alice.userId, plan: resolvePlan(), runner: "probe" });
    expect(await h.callerFor(alice).jobs.context({ id: job.id })).toEqual({ inputs: [], host: null });
  });

  it("another team's job answers like a missing one", async () => {
    const job = await createJob(h.db, { teamId: alice.teamId, userId: alice.userId, plan: resolvePlan(), runner: "probe" });
    const error = await h.callerFor(bob).jobs.context({ id: job.id }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("NOT_FOUND");
  });
});
