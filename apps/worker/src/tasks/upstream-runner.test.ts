import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolvePlan } from "@headroom/estimator";
import { parseWorkerConfig } from "../env.ts";
import { ensurePythonTorch, SYSTEM_PYTHON } from "../testing/python-torch.ts";
import { collectingContext } from "./context.ts";
import { TASKS } from "./registry.ts";
import { TaskFailure } from "./task.ts";
import { upstreamArgs, upstreamRunner } from "./upstream-runner.ts";

const config = { ...parseWorkerConfig({ HEADROOM_PYTHON: SYSTEM_PYTHON }), timeoutMs: 240_000 };
const outputDir = () => mkdtempSync(join(tmpdir(), "upstream-"));
const pythonDir = dirname(config.probeScript);

/** The harness's CPU tests build this fake layout (apps/worker/python/tests/fake_upstream.py); so does this one. */
const fakeUpstream = async (): Promise<string> => {
  const { execFileSync } = await import("node:child_process");
  const root = mkdtempSync(join(tmpdir(), "fake-upstream-"));
  const code = "import sys; sys.path.insert(0, 'tests'); import fake_upstream; print(fake_upstream.make(sys.argv[1]))";
  return execFileSync(SYSTEM_PYTHON, ["-c", code, root], { cwd: pythonDir, encoding: "utf8" }).trim();
};

describe("upstreamArgs", () => {
  it("passes the plan's levers and caps at the usable GiB of the plan's GPU", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090" }, params: { offloadKvCache: true, t5Cpu: true, enableCompile: false } });
    const job = { plan, outputDir: "/j", device: "cuda" as const, clips: 2 };
    expect(upstreamArgs(job, { upstreamDir: "/u/LiveAvatar", out: "/j/out.json" })).toEqual([
      "-m", "headroom_upstream", "--upstream-dir", "/u/LiveAvatar", "--cap-gib", "23.65", "--device", "cuda", "--size", plan.params.size,
      "--infer-frames", String(plan.params.inferFrames), "--steps", "4", "--clips", "2", "--fp8", plan.params.fp8 ? "on" : "off",
      "--compile", "off", "--offload-kv-cache", "--t5-cpu", "--out", "/j/out.json",
    ]);
  });
  it("runs uncapped when asked and never more clips than the plan", () => {
    const plan = resolvePlan({ params: { numClip: 1 } });
    const args = upstreamArgs({ plan, outputDir: "/j", device: "cpu", clips: 2, capGib: null }, { upstreamDir: "/u", out: "/o" });
    expect(args.slice(args.indexOf("--cap-gib"), args.indexOf("--cap-gib") + 2)).toEqual(["--cap-gib", "none"]);
    expect(args.slice(args.indexOf("--clips"), args.indexOf("--clips") + 2)).toEqual(["--clips", "1"]);
  });
});

describe("upstreamRunner", () => {
  it("is the registry's upstream task", () => {
    expect(TASKS.upstream).toBe(upstreamRunner);
  });

  it("fails as not-installed when the prepared upstream folder is missing", async () => {
    const ctx = collectingContext({ ...config, upstreamDir: "/nowhere/LiveAvatar" });
    const error = await upstreamRunner({ plan: resolvePlan({}), outputDir: outputDir() }, ctx).catch((e: unknown) => e);
    expect((error as TaskFailure).failure).toEqual({ errorClass: "not-installed", message: "LiveAvatar's source is not prepared on this host: /nowhere/LiveAvatar (run scripts/prepare-upstream.sh)" });
  });

  it("refuses a plan off the single-GPU path", async () => {
    const upstreamDir = await fakeUpstream();
    const plan = resolvePlan({ params: { sampleGuideScale: 5 } });
    const error = await upstreamRunner({ plan, outputDir: outputDir() }, collectingContext({ ...config, upstreamDir })).catch((e: unknown) => e);
    expect((error as TaskFailure).failure.errorClass).toBe("bad-input");
  });
});

describe("upstreamRunner end to end on the CPU over a fake upstream layout", () => {
  beforeAll(ensurePythonTorch, 600_000);

  it("measures four phases and returns the harness's result with its instrument", async () => {
    const upstreamDir = await fakeUpstream();
    const dir = outputDir();
    const ctx = collectingContext({ ...config, upstreamDir });
    const results = await upstreamRunner({ plan: resolvePlan({}), outputDir: dir, device: "cpu", capGib: null, audioSeconds: 5 }, ctx);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ fits: true, role: "single", device: "cpu", instrument: { kind: "upstream" } });
    expect(Object.keys(results[0]?.phases ?? {})).toEqual(["load", "encode", "denoise", "decode"]);
    expect(ctx.events.filter((e) => e.type === "memory")).toHaveLength(4);
    expect(ctx.events.at(-1)).toEqual({ type: "artifact", kind: "measurement", path: join(dir, "upstream-result.json") });
    expect(JSON.parse(readFileSync(join(dir, "upstream-result.json"), "utf8")).clipsRun).toBe(2);
  }, 240_000);
});
