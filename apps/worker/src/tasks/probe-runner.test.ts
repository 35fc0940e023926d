import { existsSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolvePlan } from "@headroom/estimator";
import { parseWorkerConfig } from "../env.ts";
import { ensurePythonTorch, SYSTEM_PYTHON } from "../testing/python-torch.ts";
import { collectingContext } from "./context.ts";
import { probeArgs, probeRunner } from "./probe-runner.ts";
import { TaskFailure } from "./task.ts";

const config = { ...parseWorkerConfig({ HEADROOM_PYTHON: SYSTEM_PYTHON }), timeoutMs: 240_000 };
const outputDir = () => mkdtempSync(join(tmpdir(), "probe-"));

describe("probeArgs", () => {
  const files = { script: "/w/probe.py", plan: "/j/plan.json", out: "/j/out.json" };
  it("caps the process at the usable GiB of the plan's GPU", () => {
    const job = { plan: resolvePlan({ hardware: { gpu: "rtx-4090" } }), outputDir: "/j", device: "cuda" as const, nproc: 1 };
    expect(probeArgs(job, files)).toEqual(["/w/probe.py", "--plan", "/j/plan.json", "--cap-gib", "23.65", "--device", "cuda", "--out", "/j/out.json"]);
  });
  it("runs several ranks through torch.distributed.run, uncapped when asked", () => {
    const job = { plan: resolvePlan({}), outputDir: "/j", device: "cpu" as const, nproc: 2, capGib: null, scale: "tiny" as const, steps: 1, blocks: 1 };
    expect(probeArgs(job, files)).toEqual([
      "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "/w/probe.py", "--plan", "/j/plan.json",
      "--cap-gib", "none", "--device", "cpu", "--scale", "tiny", "--steps", "1", "--blocks", "1", "--out", "/j/out.json",
    ]);
  });
});

describe("probeRunner", () => {
  it("fails as not-installed when the probe script is missing", async () => {
    const ctx = collectingContext({ ...config, probeScript: "/nowhere/probe.py" });
    const error = await probeRunner({ plan: resolvePlan({}), outputDir: outputDir() }, ctx).catch((e: unknown) => e);
    expect((error as TaskFailure).failure).toEqual({ errorClass: "not-installed", message: "the probe is not installed on this host: /nowhere/probe.py does not exist" });
  });

  it("fails as not-installed when the Python is missing", async () => {
    const ctx = collectingContext({ ...config, python: "/nowhere/python3" });
    const error = await probeRunner({ plan: resolvePlan({}), outputDir: outputDir(), device: "cpu", scale: "tiny" }, ctx).catch((e: unknown) => e);
    expect((error as TaskFailure).failure.errorClass).toBe("not-installed");
  });

  it("refuses a malformed plan before starting Python", async () => {
    const plan = resolvePlan({});
    const bad = { ...plan, params: { ...plan.params, size: "70x4" } };
    const error = await probeRunner({ plan: bad, outputDir: outputDir(), device: "cpu" }, collectingContext(config)).catch((e: unknown) => e);
    expect((error as TaskFailure).failure).toMatchObject({ errorClass: "bad-input", message: expect.stringMatching(/^payload plan\.params\.size/) });
  });

  it("classifies a probe that fails to measure as crashed, with its own words and phase", async () => {
    const script = new URL("./fixtures/crashing-probe.py", import.meta.url).pathname;
    const error = await probeRunner({ plan: resolvePlan({}), outputDir: outputDir(), device: "cpu" }, collectingContext({ ...config, probeScript: script })).catch((e: unknown) => e);
    expect((error as TaskFailure).failure).toEqual({ errorClass: "crashed", phase: "load", message: "exited with 1: shape mismatch in block 3" });
  });
});

describe("probeRunner end to end on the CPU (Debian's torch, tiny shapes)", () => {
  beforeAll(ensurePythonTorch, 600_000);

  it("measures the single-GPU default plan: four phases, progress, a result that fits", async () => {
    const dir = outputDir();
    const ctx = collectingContext(config);
    const results = await probeRunner({ plan: resolvePlan({}), outputDir: dir, device: "cpu", scale: "tiny" }, ctx);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ fits: true, role: "single", device: "cpu", capBytes: Math.round(79.18 * 1024 ** 3) });
    expect(Object.keys(results[0]?.phases ?? {})).toEqual(["load", "encode", "denoise", "decode"]);
    const phases = ctx.events.filter((e) => e.type === "phase" && e.state === "start").map((e) => e.type === "phase" && e.phase);
    expect(phases).toEqual(["load", "encode", "denoise", "decode"]);
    expect(ctx.events.filter((e) => e.type === "memory")).toHaveLength(4);
    const progress = ctx.events.filter((e) => e.type === "progress");
    // Every forward of the denoise counts, then the decode says which clip is done.
    expect(progress.filter((e) => e.type === "progress" && e.phase === "denoise").at(-1)).toMatchObject({ forward: expect.any(Number) });
    expect(progress.at(-1)).toMatchObject({ phase: "decode" });
    expect(ctx.events.at(-1)).toEqual({ type: "artifact", kind: "measurement", path: join(dir, "probe-result.json") });
    expect(JSON.parse(readFileSync(join(dir, "probe-result.json"), "utf8")).fits).toBe(true);
    expect(existsSync(join(dir, "plan.json"))).toBe(true);
  }, 240_000);

  it("returns a measured out-of-memory as a result, not a failure", async () => {
    const ctx = collectingContext(config);
    const results = await probeRunner({ plan: resolvePlan({}), outputDir: outputDir(), device: "cpu", scale: "tiny", capGib: 0.0007 }, ctx);
    expect(results[0]).toMatchObject({ fits: false, oomPhase: "load", needBytes: 8192 });
  }, 240_000);
});
