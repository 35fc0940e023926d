import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolvePlan } from "@headroom/estimator";
import { parseWorkerConfig } from "../env.ts";
import { fakeLiveAvatarHost } from "../testing/fake-liveavatar.ts";
import { collectingContext } from "./context.ts";
import { liveavatarRunner } from "./liveavatar-runner.ts";
import { TaskFailure } from "./task.ts";

const failureOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskFailure);
  return (error as TaskFailure).failure;
};

const payload = (host: ReturnType<typeof fakeLiveAvatarHost>, input = {}) => ({
  plan: resolvePlan(input), image: host.image, audio: host.audio, prompt: "a dwarf", outputDir: host.outputDir,
});

describe("liveavatarRunner where LiveAvatar is not installed", () => {
  it("fails at once when no checkout is configured", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const started = Date.now();
    const failure = await failureOf(liveavatarRunner(payload(host), collectingContext(parseWorkerConfig({}))));
    expect(failure).toEqual({ errorClass: "not-installed", message: "LiveAvatar is not installed on this host: HEADROOM_LIVEAVATAR_DIR is not set" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("fails when the checkout lacks the entry point or the weights", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const noEntry = parseWorkerConfig({ HEADROOM_LIVEAVATAR_DIR: host.root });
    expect(await failureOf(liveavatarRunner(payload(host), collectingContext(noEntry)))).toMatchObject({ errorClass: "not-installed", message: expect.stringContaining("minimal_inference/s2v_streaming_interact.py does not exist") });
    const noWeights = { ...host.config, liveavatarCkptDir: `${host.root}/nowhere` };
    expect(await failureOf(liveavatarRunner(payload(host), collectingContext(noWeights)))).toMatchObject({ errorClass: "not-installed", message: expect.stringContaining("weights") });
  });

  it("reports a missing torchrun as not installed", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const config = { ...host.config, torchrun: `${host.root}/no-torchrun` };
    expect(await failureOf(liveavatarRunner(payload(host, { params: { numClip: 3 } }), collectingContext(config)))).toMatchObject({ errorClass: "not-installed" });
  });
});

describe("liveavatarRunner refuses bad jobs before starting anything", () => {
  const host = fakeLiveAvatarHost("single-gpu");
  it.each([
    ["a malformed payload", { plan: { model: "x" } }, /^payload plan/],
    ["a plan upstream cannot run (3 GPUs)", payload(host, { hardware: { count: 3 } }), /^Invalid: 3 GPUs/],
    ["a Headroom-only setting", payload(host, { params: { quantizeOnCpu: true } }), /^params\.quantizeOnCpu/],
    ["a missing input file", { ...payload(host), audio: "/nowhere.wav" }, /^input file \/nowhere\.wav does not exist/],
  ])("%s", async (_name, job, message) => {
    const failure = await failureOf(liveavatarRunner(job, collectingContext(host.config)));
    expect(failure.errorClass).toBe("bad-input");
    expect(failure.message).toMatch(message);
  });
});

describe("liveavatarRunner end to end with a stand-in torchrun", () => {
  it("runs the single-GPU command, streams phases and progress, and returns the video", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const ctx = collectingContext(host.config);
    const outcome = await liveavatarRunner(payload(host), ctx);
    expect(outcome).toEqual({ video: `${host.outputDir}/video.mp4`, log: `${host.outputDir}/liveavatar.log` });
    const call = JSON.parse(readFileSync(host.record, "utf8"));
    expect(call.cwd).toBe(host.checkout);
    expect(call.argv.slice(0, 3)).toEqual(["--nproc_per_node=1", "--master_port=29101", "minimal_inference/s2v_streaming_interact.py"]);
    expect(call.env).toEqual({ CUDA_VISIBLE_DEVICES: "0", NCCL_DEBUG: "WARN", NCCL_DEBUG_SUBSYS: "OFF", ENABLE_COMPILE: "true", PYTHONUNBUFFERED: "1" });
    const progress = ctx.events.filter((e) => e.type === "progress");
    expect(progress.at(0)).toMatchObject({ forward: 4, of: 48 }); // the 5 s WAV holds 3 clips
    expect(progress.at(-1)).toMatchObject({ forward: 48, of: 48 });
    expect(ctx.events.filter((e) => e.type === "artifact")).toEqual([
      { type: "artifact", kind: "video", path: `${host.outputDir}/video.mp4` },
      { type: "artifact", kind: "log", path: `${host.outputDir}/liveavatar.log` },
    ]);
    expect(ctx.events.filter((e) => e.type === "result")).toHaveLength(1);
    expect(readFileSync(`${host.outputDir}/liveavatar.log`, "utf8")).toContain("  complete prepare conditional inputs\n");
  });

  it("classifies an out-of-memory at load", async () => {
    const host = fakeLiveAvatarHost("oom-load");
    const ctx = collectingContext(host.config);
    const failure = await failureOf(liveavatarRunner(payload(host, { hardware: { gpu: "rtx-4090" }, params: { fp8: false } }), ctx));
    expect(failure).toMatchObject({ errorClass: "out-of-memory", phase: "load", message: expect.stringContaining("Tried to allocate 270.00 MiB") });
    expect(ctx.events.filter((e) => e.type === "result")).toEqual([]);
  });

  it("cancels", async () => {
    const host = fakeLiveAvatarHost("single-gpu");
    const controller = new AbortController();
    controller.abort();
    const failure = await failureOf(liveavatarRunner(payload(host), collectingContext(host.config, controller.signal)));
    expect(failure.errorClass).toBe("cancelled");
  });
});
