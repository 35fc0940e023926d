// A LiveAvatar job's stored prompt reaches the launcher: the worker (in this process, on a simulated 2 × H200 host)
// claims the job from a real embedded PostgreSQL and runs a stand-in torchrun that records its command line.
import { readFileSync } from "node:fs";
import { getJobById } from "@headroom/db";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fakeLiveAvatarHost } from "../testing/fake-liveavatar.ts";
import { createWorker, type Worker } from "./worker.ts";
import { fakeNvidiaSmi, h200Host, startTestBed, storeInput, submitJob, testSettings, waitFor, type TestBed } from "./worker-test-support.ts";

const PLAN = { hardware: { gpu: "h200" as const, count: 1 }, params: { numClip: 3 } };

let bed: TestBed;
let worker: Worker | null = null;
beforeAll(async () => {
  bed = await startTestBed();
}, 120_000);
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(() => bed?.close());

/** The image and audio as the web stores uploads: files under the storage root, asset rows of the team. */
const uploadInputs = async (host: ReturnType<typeof fakeLiveAvatarHost>) => {
  const image = await storeInput(bed, host.image, { kind: "image", mime: "image/jpeg", storagePath: "uploads/face.jpg" });
  const audio = await storeInput(bed, host.audio, { kind: "audio", mime: "audio/wav", storagePath: "uploads/voice.wav", durationSeconds: 5 });
  return [image.id, audio.id];
};

const startWorker = async (host: ReturnType<typeof fakeLiveAvatarHost>) => {
  const { settings, config } = testSettings("gpu-liveavatar", bed, { PROBE_DEVICE: "", HEADROOM_LIVEAVATAR_DIR: host.checkout, HEADROOM_TORCHRUN: host.config.torchrun });
  worker = createWorker({ db: bed.db, queue: bed.queue, settings, config, log: () => {}, collectors: h200Host, nvidiaSmi: fakeNvidiaSmi() });
  await worker.start();
};

const settled = (id: string) =>
  waitFor(`job ${id} to settle`, async () => {
    const job = await getJobById(bed.db, id);
    return job.finishedAt !== null && job.state !== "running" ? job : null;
  });

describe("a LiveAvatar job's prompt", () => {
  it("is what the worker passes to the launcher's --prompt", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const prompt = "A lighthouse keeper at dusk, \"calm\" voice; $HOME stays literal.\nSecond line.";
    const job = await submitJob(bed, { plan: PLAN, runner: "liveavatar", inputAssetIds: await uploadInputs(host), prompt });
    await startWorker(host);
    expect(await settled(job.id)).toMatchObject({ state: "succeeded", prompt });
    const { argv } = JSON.parse(readFileSync(host.record, "utf8")) as { argv: string[] };
    expect(argv.filter((arg) => arg === "--prompt")).toHaveLength(1);
    expect(argv[argv.indexOf("--prompt") + 1]).toBe(prompt);
  }, 60_000);

  it("missing (a job stored before prompts were) fails the job as bad input instead of running with a default", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const job = await submitJob(bed, { plan: PLAN, runner: "liveavatar", inputAssetIds: await uploadInputs(host) });
    await startWorker(host);
    const done = await settled(job.id);
    expect(done).toMatchObject({ state: "failed", errorClass: "bad-input", attempts: 1 });
    expect(done.errorMessage).toMatch(/has no prompt/);
    expect(() => readFileSync(host.record)).toThrow(/ENOENT/); // torchrun never started
  }, 60_000);
});
