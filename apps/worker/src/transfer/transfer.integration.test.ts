// Inputs and results over HTTP (issue 17): workers with their own empty scratch folders and no access to the web's
// storage, a real embedded PostgreSQL, and the web app's worker API handlers on a real HTTP server.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cancelJob, createHostToken, getJobById, getVramSeries, listArtifacts, listJobEvents, revokeHostToken, type HostInventory } from "@headroom/db";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fakeLiveAvatarHost } from "../testing/fake-liveavatar.ts";
import { createWorker, type Worker } from "../worker/worker.ts";
import { fakeNvidiaSmi, h200Host, startTestBed, storeInput, submitJob, testSettings, waitFor, type TestBed } from "../worker/worker-test-support.ts";
import { createWebFiles } from "./web-files.ts";

const QUICK_PROBE = fileURLToPath(new URL("../worker/fixtures/quick-probe.py", import.meta.url));
const LIVEAVATAR_PLAN = { hardware: { gpu: "h200" as const, count: 1 }, params: { numClip: 3 } };
const EMPTY_INVENTORY: HostInventory = { gpus: [], links: [], hostRam: null, cudaVersion: null, warnings: [] };

let bed: TestBed;
const workers: Worker[] = [];
const logs: string[] = [];
beforeAll(async () => {
  bed = await startTestBed();
}, 120_000);
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});
afterAll(() => bed?.close());

/** A real PNG and WAV made by Debian's ffmpeg (the fake launcher turns them into a real MP4). */
const realInputs = () => {
  const dir = mkdtempSync(join(tmpdir(), "inputs-"));
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=64x64", "-frames:v", "1", join(dir, "face.png")]);
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=d=1", join(dir, "voice.wav")]);
  return { image: join(dir, "face.png"), audio: join(dir, "voice.wav") };
};

const settled = (id: string, timeoutMs = 60_000) =>
  waitFor(`job ${id} to settle`, async () => {
    const job = await getJobById(bed.db, id);
    return job.finishedAt !== null && job.state !== "running" ? job : null;
  }, timeoutMs);

/** A simulated 2 × H200 host with the LiveAvatar stand-in, its own empty scratch folder, and the loopback web's local token. */
const startGpuWorker = async (name: string, extra: Record<string, string> = {}, launcher: { garbageVideo: boolean } = { garbageVideo: false }) => {
  const scratchDir = mkdtempSync(join(tmpdir(), `scratch-${name}-`));
  const host = fakeLiveAvatarHost("single-gpu", launcher.garbageVideo ? { garbageVideo: true } : { ffmpeg: "ffmpeg" });
  const { settings, config } = testSettings(name, bed, {
    HEADROOM_SCRATCH_DIR: scratchDir, PROBE_DEVICE: "", HEADROOM_PROBE_SCRIPT: QUICK_PROBE,
    HEADROOM_LIVEAVATAR_DIR: host.checkout, HEADROOM_TORCHRUN: host.config.torchrun, ...extra,
  });
  const worker = createWorker({ db: bed.db, queue: bed.queue, settings, config, log: (line) => logs.push(line), collectors: h200Host, nvidiaSmi: fakeNvidiaSmi() });
  workers.push(worker);
  await worker.start();
  return { worker, scratchDir };
};

describe("two workers with their own scratch folders", () => {
  it("run a probe job and a LiveAvatar job end to end: inputs downloaded and checked, results uploaded to the web's storage", async () => {
    const files = realInputs();
    const image = await storeInput(bed, files.image, { kind: "image", mime: "image/png", storagePath: `${bed.teamId}/face.png` });
    const audio = await storeInput(bed, files.audio, { kind: "audio", mime: "audio/wav", storagePath: `${bed.teamId}/voice.wav`, durationSeconds: 1 });
    const avatar = await submitJob(bed, { plan: LIVEAVATAR_PLAN, runner: "liveavatar", inputAssetIds: [image.id, audio.id], prompt: "a blue square hums" });
    const probe = await submitJob(bed, { plan: LIVEAVATAR_PLAN });
    const a = await startGpuWorker("gpu-a");
    const b = await startGpuWorker("gpu-b");

    const [avatarDone, probeDone] = [await settled(avatar.id), await settled(probe.id)];
    expect(avatarDone).toMatchObject({ state: "succeeded", attempts: 1 });
    expect(probeDone).toMatchObject({ state: "succeeded", attempts: 1 });
    const scratchOf = (hostId: string | null) => (hostId === a.worker.hostId() ? a.scratchDir : b.scratchDir);
    expect([a.worker.hostId(), b.worker.hostId()]).toContain(avatarDone.hostId);

    // the inputs reached the worker's own scratch folder byte for byte
    const inputs = join(scratchOf(avatarDone.hostId), avatar.id, "inputs");
    expect(readFileSync(join(inputs, `${image.id}.png`))).toEqual(readFileSync(files.image));
    expect(readFileSync(join(inputs, `${audio.id}.wav`))).toEqual(readFileSync(files.audio));
    // nothing of either job was written into the other worker's folder
    for (const job of [avatarDone, probeDone]) {
      const other = job.hostId === a.worker.hostId() ? b.scratchDir : a.scratchDir;
      expect(readdirSync(other)).not.toContain(job.id);
    }

    // results: in the web's storage, recorded once each; the video is the real MP4 the launcher wrote
    const avatarArtifacts = await listArtifacts(bed.db, { teamId: bed.teamId, jobId: avatar.id });
    expect(avatarArtifacts.map((x) => [x.kind, x.path, x.mime]).sort()).toEqual([
      ["log", `${avatar.id}/liveavatar.log`, "text/plain"],
      ["video", `${avatar.id}/video.mp4`, "video/mp4"],
    ]);
    const video = readFileSync(join(bed.storageDir, avatar.id, "video.mp4"));
    expect(video.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(video).toEqual(readFileSync(join(scratchOf(avatarDone.hostId), avatar.id, "video.mp4")));
    expect(avatarArtifacts.find((x) => x.kind === "video")?.bytes).toBe(video.length);
    const probeArtifacts = await listArtifacts(bed.db, { teamId: bed.teamId, jobId: probe.id });
    expect(probeArtifacts.map((x) => x.path)).toEqual([`${probe.id}/probe-result.json`]);
    expect(JSON.parse(readFileSync(join(bed.storageDir, probeArtifacts[0]!.path), "utf8"))).toBeTypeOf("object");

    // the run log and the VRAM samples came over HTTP too: the worker has no database write for them (job-reporter.ts,
    // vram-recorder.ts post to the web's worker API), yet here they are, numbered once
    const log = await listJobEvents(bed.db, { teamId: bed.teamId, jobId: avatar.id, limit: 5000 });
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.some((e) => e.type === "phase")).toBe(true);
    expect(await bed.db.jobReportBatch.count({ where: { jobId: avatar.id, stream: "events" } })).toBeGreaterThan(0);
    const series = await getVramSeries(bed.db, { teamId: bed.teamId, jobId: avatar.id });
    expect(series.length).toBeGreaterThan(0);
    expect(await bed.db.jobReportBatch.count({ where: { jobId: avatar.id, stream: "vram" } })).toBeGreaterThan(0);
    // the log names the video ("saved to …/video.mp4") but never the host's scratch folder, nor does the run log file
    const shown = JSON.stringify(log.map((e) => e.payload));
    expect(shown).toContain("…/video.mp4");
    for (const dir of [a.scratchDir, b.scratchDir]) expect(shown).not.toContain(dir);
    const runLog = avatarArtifacts.find((x) => x.kind === "log");
    if (runLog) for (const dir of [a.scratchDir, b.scratchDir]) expect(readFileSync(join(bed.storageDir, runLog.path), "utf8")).not.toContain(dir);
  }, 120_000);
});

describe("host tokens", () => {
  it("a run whose result the web refuses does not succeed: it is queued again, naming the file", async () => {
    const files = realInputs();
    const image = await storeInput(bed, files.image, { kind: "image", mime: "image/png", storagePath: `${bed.teamId}/face-2.png` });
    const audio = await storeInput(bed, files.audio, { kind: "audio", mime: "audio/wav", storagePath: `${bed.teamId}/voice-2.wav`, durationSeconds: 1 });
    const avatar = await submitJob(bed, { plan: LIVEAVATAR_PLAN, runner: "liveavatar", inputAssetIds: [image.id, audio.id], prompt: "a blue square hums" });
    // the stand-in launcher writes "not really an mp4", which the web refuses (422)
    await startGpuWorker("gpu-bad-video", {}, { garbageVideo: true });
    const retried = await waitFor(`job ${avatar.id} to be queued again`, async () => {
      const job = await getJobById(bed.db, avatar.id);
      return job.errorClass === "crashed" && job.state === "queued" ? job : null;
    }, 60_000);
    expect(retried.errorMessage).toMatch(/results could not be sent to the web app \(video\.mp4\)/);
    expect((await listArtifacts(bed.db, { teamId: bed.teamId, jobId: avatar.id })).map((x) => x.kind)).not.toContain("video");
    await cancelJob(bed.db, bed.queue, avatar.id); // its retry is not the later tests' business
  }, 90_000);

  it("a revoked token is refused at start, and a running host stops at its next claim", async () => {
    const { token, secret } = await createHostToken(bed.db, { name: "rented box", teamIds: [bed.teamId] });
    const { worker } = await startGpuWorker("gpu-token", { HEADROOM_HOST_TOKEN: secret });
    expect(await revokeHostToken(bed.db, { teamId: bed.teamId, id: token.id })).toBe(true);
    await waitFor("the worker to see the revocation", async () => logs.some((line) => line.includes("[worker gpu-token] the host token was revoked")));
    const job = await submitJob(bed, { plan: LIVEAVATAR_PLAN });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await getJobById(bed.db, job.id)).toMatchObject({ state: "queued", hostId: null });
    await worker.stop();
    await expect(startGpuWorker("gpu-token-2", { HEADROOM_HOST_TOKEN: secret })).rejects.toThrow(/unknown or revoked/);
    // a remote web without a token: the worker says what to do instead of starting
    await expect(startGpuWorker("gpu-remote", { HEADROOM_WEB_URL: "https://headroom.example" })).rejects.toThrow(/host token is needed/);
    await expect(startGpuWorker("gpu-cleanup", {})).resolves.toBeDefined(); // and takes the queued job
    expect(await settled(job.id)).toMatchObject({ state: "succeeded" });
  }, 60_000);
});

describe("the one-machine default", () => {
  it("a worker beside a loopback web mints a local token (every team); its next start revokes the last one", async () => {
    const tokenOf = async (name: string) => (await bed.db.workerHost.findUniqueOrThrow({ where: { name }, select: { token: true } })).token!;
    const first = await startGpuWorker("gpu-local");
    const before = await tokenOf("gpu-local");
    expect(before).toMatchObject({ name: "local (gpu-local)", allTeams: true, revokedAt: null });
    await first.worker.stop();
    await startGpuWorker("gpu-local");
    const after = await tokenOf("gpu-local");
    expect(after.id).not.toBe(before.id);
    expect(after.revokedAt).toBeNull();
    expect((await bed.db.hostToken.findUniqueOrThrow({ where: { id: before.id } })).revokedAt).toBeInstanceOf(Date);
  }, 30_000);
});

describe("the worker API", () => {
  /** Two hosts with tokens of their own; host one runs a job that has one input. */
  const setup = async () => {
    const [one, two] = [await createHostToken(bed.db, { name: "one", teamIds: [bed.teamId] }), await createHostToken(bed.db, { name: "two", teamIds: [bed.teamId] })];
    const host = (name: string, tokenId: string) => bed.db.workerHost.create({ data: { name: `${name}-${Date.now()}`, hostname: name, lastSeenAt: new Date(), inventory: EMPTY_INVENTORY, tokenId }, select: { id: true } });
    const [hostOne, hostTwo] = [await host("one", one.token.id), await host("two", two.token.id)];
    const files = realInputs();
    const image = await storeInput(bed, files.image, { kind: "image", mime: "image/png", storagePath: `${bed.teamId}/api-face.png` });
    const other = await storeInput(bed, files.audio, { kind: "audio", mime: "audio/wav", storagePath: `${bed.teamId}/api-voice.wav` });
    const job = await submitJob(bed, { plan: LIVEAVATAR_PLAN, runner: "liveavatar", inputAssetIds: [image.id], prompt: "p" });
    await bed.db.job.update({ where: { id: job.id }, data: { state: "running", hostId: hostOne.id, startedAt: new Date() } });
    const get = (secret: string, hostId: string, assetId = image.id) =>
      fetch(`${bed.webUrl}/api/worker/jobs/${job.id}/inputs/${assetId}`, { headers: { authorization: `Bearer ${secret}`, "x-headroom-host": hostId } });
    return { one, two, hostOne, hostTwo, image, other, job, files, get };
  };

  it("gives a job's input only to the host that holds its claim, while it holds it (403 otherwise)", async () => {
    const { one, two, hostOne, hostTwo, other, job, files, get } = await setup();
    const ok = await get(one.secret, hostOne.id);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(readFileSync(files.image));
    expect((await get(two.secret, hostTwo.id)).status).toBe(403); // another host
    expect((await get(two.secret, hostOne.id)).status).toBe(403); // naming the holder with another token
    expect((await get(one.secret, hostOne.id, other.id)).status).toBe(403); // a file that is not this job's input
    expect((await get("hrt_wrong", hostOne.id)).status).toBe(401);
    await bed.db.job.update({ where: { id: job.id }, data: { state: "succeeded", finishedAt: new Date() } });
    expect((await get(one.secret, hostOne.id)).status).toBe(403); // the claim is over
  }, 30_000);

  it("resumes an upload cut part way and stores the file once, however often it is sent again", async () => {
    const { one, hostOne, job } = await setup();
    const path = join(mkdtempSync(join(tmpdir(), "upload-")), "run.log");
    writeFileSync(path, randomBytes(3 * 1024 * 1024).toString("base64"));
    const sent: { method: string; offset: string | null }[] = [];
    let cut = true;
    /** Fetch whose first PUT loses its connection after 1 MiB. */
    const dropping: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({ method: init?.method ?? "GET", offset: headers.get("upload-offset") });
      if (init?.method !== "PUT" || !cut) return fetch(input, init);
      cut = false;
      const reader = (init.body as ReadableStream<Uint8Array>).getReader();
      let passed = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          const { done, value } = await reader.read();
          if (done || passed > 2 ** 20) return controller.error(new Error("connection dropped"));
          passed += value.length;
          controller.enqueue(value);
        },
      });
      return fetch(input, { ...init, body } as RequestInit);
    };
    const files = createWebFiles({ webUrl: bed.webUrl, secret: () => one.secret, hostId: () => hostOne.id, fetch: dropping });
    await files.uploadArtifact(job.id, "log", path);
    const puts = sent.filter((s) => s.method === "PUT").map((s) => Number(s.offset));
    expect(puts[0]).toBe(0);
    expect(puts[1]).toBeGreaterThan(0); // resumed from what the web kept, not from the start
    expect(sent.map((s) => s.method)).toContain("HEAD");
    // Buffer.equals: vitest's deep equality walks a 4 MiB buffer byte by byte for seconds
    expect(readFileSync(join(bed.storageDir, job.id, "run.log")).equals(readFileSync(path))).toBe(true);

    await files.uploadArtifact(job.id, "log", path); // a retry after a lost answer
    const restarted = createWebFiles({ webUrl: bed.webUrl, secret: () => one.secret, hostId: () => hostOne.id }); // a restarted worker
    await restarted.uploadArtifact(job.id, "log", path);
    const artifacts = await listArtifacts(bed.db, { teamId: bed.teamId, jobId: job.id });
    expect(artifacts).toEqual([expect.objectContaining({ kind: "log", path: `${job.id}/run.log`, bytes: readFileSync(path).length })]);
    expect(readdirSync(join(bed.storageDir, job.id))).toEqual(["run.log"]); // no part file left behind
  }, 60_000);

  it("refuses a result that is not what its kind says, or from a host without the claim", async () => {
    const { one, two, hostOne, hostTwo, job } = await setup();
    const dir = mkdtempSync(join(tmpdir(), "bad-"));
    writeFileSync(join(dir, "video.mp4"), "not really an mp4");
    writeFileSync(join(dir, "result.json"), "{ not json");
    const mine = createWebFiles({ webUrl: bed.webUrl, secret: () => one.secret, hostId: () => hostOne.id, tries: 1 });
    await expect(mine.uploadArtifact(job.id, "video", join(dir, "video.mp4"))).rejects.toThrow(/422 the video is not an MP4/);
    await expect(mine.uploadArtifact(job.id, "measurement", join(dir, "result.json"))).rejects.toThrow(/422 the measurement is not JSON/);
    await expect(mine.uploadArtifact(job.id, "video", join(dir, "result.json"))).rejects.toThrow(/415/);
    const theirs = createWebFiles({ webUrl: bed.webUrl, secret: () => two.secret, hostId: () => hostTwo.id, tries: 1 });
    writeFileSync(join(dir, "run.log"), "hello");
    await expect(theirs.uploadArtifact(job.id, "log", join(dir, "run.log"))).rejects.toThrow(/403/);
    expect(await listArtifacts(bed.db, { teamId: bed.teamId, jobId: job.id })).toEqual([]);
  }, 30_000);
});
