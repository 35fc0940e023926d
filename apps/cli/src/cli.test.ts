// Spawns the real CLI, the way a person runs it, from the repository root.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SPAWN_TIMEOUT_MS = 60_000;

type Run = { code: number | null; stdout: string; stderr: string };

const spawnRun = (command: string, args: readonly string[]): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1" }, timeout: SPAWN_TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

const headroom = (...args: string[]): Promise<Run> => spawnRun(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", ...args]);

const stderrLines = (run: Run): string[] => run.stderr.split("\n").filter((line) => line.trim() !== "");

const BASE = ["check", "--gpu", "rtx-4090", "--count", "5"];

describe("headroom check with bad input", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.concurrent.each([
    [["--gpu", "rtx-9999"], "--gpu", /expects one of rtx-3090, .*got "rtx-9999"/],
    [["--size", "704x384"], "--size", /704\*384.*got "704x384"/],
    [["--count", "-1"], "--count", /at least 1, got "-1"/],
    [["--num-clip", "abc"], "--num-clip", /expects a number, got "abc"/],
    [["--fp8", "maybe"], "--fp8", /expects true or false, got "maybe"/],
    [["--bogus", "1"], "--bogus", /not a known flag/],
    [["--num_clip"], "--num_clip", /needs a value/],
    [["--image", "no/such/image.png"], "--image", /cannot read "no\/such\/image\.png": no such file/],
    [["--image", "package.json"], "--image", /cannot use "package\.json": not a PNG, JPEG or WebP image/],
    [["--image", "apps"], "--image", /cannot read "apps": is a folder/],
    [["--image-size", "1080x1920"], "--image-size", /got "1080x1920"/],
  ])("%j exits 2 with one line naming the flag", async (flags, flag, message) => {
    const run = await headroom(...BASE, ...flags);
    expect(run.code).toBe(2);
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^headroom: ${flag}: `));
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
  });

  it.concurrent("prints the usage and exits 2 for an unknown command", async () => {
    const run = await headroom("chekc");
    expect(run.code).toBe(2);
    expect(stderrLines(run)[0]).toBe('headroom: unknown command "chekc"');
    expect(run.stderr).toContain("Usage: headroom check");
  });

  it.concurrent("prints the usage on --help and exits 0", async () => {
    const run = await headroom("check", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--num-clip <whole number>");
  });
});

describe("headroom check --json", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.concurrent("prints one JSON object for 5 × RTX 4090 at 704*384, 100 clips, through npm run -s", async () => {
    const run = await spawnRun("npm", ["run", "-s", "headroom", "--", ...BASE, "--size", "704*384", "--num-clip", "100", "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["plan", "estimate", "verdict", "suggestions"]));
    expect(report.plan.hardware).toMatchObject({ gpu: "rtx-4090", count: 5 });
    expect(report.plan.params).toMatchObject({ size: "704*384", numClip: 100 });
    expect(typeof report.verdict.status).toBe("string");
    expect(report.estimate.gpus).toHaveLength(5);
    for (const gpu of report.estimate.gpus) {
      expect(gpu.peakBytes).toBeGreaterThan(0);
      expect(["load", "encode", "denoise", "decode"]).toContain(gpu.peakPhase);
    }
    expect(report.estimate.speed.fps).toBeGreaterThan(0);
    // The point value stays; the range its error bar allows comes beside it.
    expect(report.estimate.speed.fpsRange[0]).toBeLessThan(report.estimate.speed.fps);
    expect(report.estimate.speed.fpsRange[1]).toBeGreaterThan(report.estimate.speed.fps);
    expect(report.estimate.hostRamBytes).toBeGreaterThan(0);
    expect(Array.isArray(report.suggestions)).toBe(true);
    for (const suggestion of report.suggestions) {
      expect(suggestion).toMatchObject({ changes: expect.any(Array), tags: expect.any(Array), verdict: { status: expect.any(String) } });
      expect(suggestion.estimate.gpus[0].peakBytes).toBeGreaterThan(0);
      expect(typeof suggestion.estimate.speed.fps).toBe("number");
      expect(suggestion.estimate.speed.fpsRange).toHaveLength(2);
      expect(["same-hardware", "different-hardware"]).toContain(suggestion.group);
      expect(suggestion.group === "same-hardware").toBe(suggestion.hardwareChanges.length === 0);
      expect(suggestion.dollarsPerVideoMinute === null || suggestion.dollarsPerVideoMinute > 0).toBe(true);
    }
    // "cheapest" rests on the price table: its $ per minute of video is in the JSON.
    expect(report.suggestions.find((s: { tags: string[] }) => s.tags.includes("cheapest"))?.dollarsPerVideoMinute).toBeGreaterThan(0);
  });

  it.concurrent("FR-21 with --t5_cpu --dit_fsdp --fp8 fits but is risky: an inferred stall, fp8 under FSDP, and a committed run of it that ran out of memory", async () => {
    const run = await headroom(...BASE, "--size", "704*384", "--num-clip", "100", "--host-ram-gb", "256", "--fp8", "--t5-cpu", "--dit-fsdp", "--no-suggest", "--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.estimate.gpus.every((gpu: { marginBytes: number }) => gpu.marginBytes >= 0)).toBe(true);
    expect(report.verdict.status).toBe("risky");
    expect(report.verdict.headline).toMatch(/^Risky: fits \(.+\), but /);
    expect(report.verdict.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(
      expect.arrayContaining(["source/tpp-fsdp-group", "source/fp8-under-fsdp", "measured/oom-of-this-plan"]),
    );
    const measured = report.verdict.findings.find((f: { ruleId: string }) => f.ruleId === "measured/oom-of-this-plan");
    expect(measured.message).toContain("stand-in: measured in bf16, the plan asks bf16+fp8");
    expect(measured.cites).toContain("data/measurements/tpp5-rtx4090-704x384-c100-fsdp-t5cpu-cap24.json");
  });

  it.concurrent("text: a risky verdict reads RISKY, and suggestions come under their group headings", async () => {
    const run = await headroom(...BASE, "--size", "704*384", "--num-clip", "100", "--host-ram-gb", "128", "--fp8");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}Different hardware \(GPU model, count, host RAM\)$/m);
    expect(run.stdout).toMatch(/GPU model rtx-4090 → \S+; host RAM raised from 128 GB to \d+ GB/);
    // The nearest plan on the same 4090s (t5_cpu + dit_fsdp) is risky and listed after the safe ones, never as RUNS.
    expect(run.stdout).toMatch(/t5_cpu: false → true; dit_fsdp: false → true\s+→\s+RISKY/);
    expect(run.stdout).toMatch(/\$[\d.]+\/min of video\s+\[[^\]]*cheapest/);
  });

  it.concurrent("prints the readable report without --json", async () => {
    const run = await headroom(...BASE, "--size", "704*384", "--num-clip", "100", "--no-suggest");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Plan {2}liveavatar-1\.0 · 5 × rtx-4090/);
    expect(run.stdout).toContain("Verdict");
    expect(run.stdout).toContain("Suggestions  skipped (--no-suggest)");
    expect(run.stdout).not.toContain("\u001b[");
  });
});

describe("headroom check prints the LiveAvatar launch command", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.concurrent("text: the command to paste, Headroom's patch as a comment, the flags that differ from the script", async () => {
    const run = await headroom(...BASE, "--size", "384*256", "--t5-cpu", "--quantize-on-cpu", "--no-suggest");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    const start = lines.findIndex((line) => line.startsWith("Launch command"));
    expect(lines[start + 1]).toMatch(/^# This plan needs Headroom's loader patch \(--quantize-on-cpu/);
    expect(lines[start + 2]).toBe("export CUDA_VISIBLE_DEVICES=0,1,2,3,4");
    expect(lines).toContain("torchrun --nproc_per_node=5 --master_port=29102 minimal_inference/s2v_streaming_interact.py \\");
    expect(lines).toContain('     --size "384*256" \\');
    expect(run.stdout).toContain('Differs from infinite_inference_multi_gpu.sh: --size 720*400 → 384*256, --t5_cpu off → on');
  });

  it.concurrent("--json: launchCommand with the text, the process (env, args) and the differences", async () => {
    const run = await headroom("check", "--no-suggest", "--json");
    expect(run.code).toBe(0);
    const { launchCommand } = JSON.parse(run.stdout);
    expect(launchCommand.env).toEqual({ CUDA_VISIBLE_DEVICES: "0", NCCL_DEBUG: "WARN", NCCL_DEBUG_SUBSYS: "OFF", ENABLE_COMPILE: "true" });
    expect(launchCommand.args.slice(0, 3)).toEqual(["--nproc_per_node=1", "--master_port=29101", "minimal_inference/s2v_streaming_interact.py"]);
    expect(launchCommand.args).toContain("--single_gpu");
    expect(launchCommand.text).toMatch(/^export CUDA_VISIBLE_DEVICES=0\n/);
    expect(launchCommand.script).toBe("infinite_inference_single_gpu.sh");
    expect(launchCommand.differsFromScript).toEqual([]);
    expect(launchCommand.notes).toEqual([]);
  });
});

describe("headroom check --image", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.concurrent("reads the image's size from its header and says the frame the run uses", async () => {
    // A 1080×1920 JPEG's header: SOI, then a baseline start-of-frame (height, width); the scan is never read.
    const dir = mkdtempSync(join(tmpdir(), "headroom-cli-"));
    const path = join(dir, "portrait.jpg");
    writeFileSync(path, Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x07, 0x80, 0x04, 0x38, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]));
    const run = await headroom("check", "--gpu", "h100-sxm", "--image", path, "--no-suggest");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Frame {2}runs at 384×704 from your 1080×1920 image/m);
    expect(run.stdout).toContain("host RAM not given (pass --host-ram-gb to check it)");
    expect(run.stdout).not.toMatch(/host-ram-exceeded/);
  });
});

describe("headroom rank", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.concurrent("answers 'cheapest card that runs 720*400' and 'what do 5 × H100 give me' in one table", async () => {
    const run = await headroom("rank", "--size", "720*400");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Which GPUs\? {2}every catalog GPU at 1, 2, 4, 5 and 8, best first \(verdict, then \$ per minute of video\)/);
    // The first row runs and has a range of FPS and of $ per video minute.
    expect(lines[2]).toMatch(/^ +1 {2}\d × \S+ .* RUNS +[\d.]+ \/ [\d.]+ {2}[\d.]+–[\d.]+ FPS +\$[\d.]+ +\$[\d.]+–[\d.]+$/);
    expect(run.stdout).toMatch(/5 × h100-sxm +TPP: 4 DiT ranks \+ 1 VAE rank +RUNS .* FPS +\$17\.45 /);
    // Out of memory: speed only "if it fit"; no upstream layout at 2 or 4 GPUs: said, and no speed.
    expect(run.stdout).toMatch(/1 × rtx-4090 +single GPU +OUT-OF-MEMORY .*\(if it fit: [\d.]+–[\d.]+ FPS\) +\$0\.74 +-$/m);
    expect(run.stdout).toMatch(/2 × h100-sxm +none: upstream runs 1 GPU or ≥ 5 \(TPP\), not 2 +INVALID +- +- +\$6\.98 +-$/m);
    expect(run.stdout).toContain("rtx-5090: no public on-demand price found");
    expect(run.stdout).toMatch(/h100-sxm: \$3\.49\/GPU-hour, RunPod H100 SXM, Secure Cloud pod \(on-demand\), https:\/\/www\.runpod\.io\/pricing \(as of 2026-09-25\)/);
  });

  it.concurrent("--json keeps the point values and adds the ranges, fastest first with --by fps", async () => {
    const run = await headroom("rank", "--size", "720*400", "--by", "fps", "--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.by).toBe("fps");
    expect(report.rows).toHaveLength(55);
    const running = report.rows.filter((row: { status: string }) => row.status === report.rows[0].status);
    for (let i = 1; i < running.length; i++) expect(running[i - 1].fps).toBeGreaterThanOrEqual(running[i].fps);
    const h100 = report.rows.find((row: { gpu: string; count: number }) => row.gpu === "h100-sxm" && row.count === 5);
    expect(h100).toMatchObject({ status: "runs", speedShown: "range", price: { provider: "RunPod", url: "https://www.runpod.io/pricing" } });
    expect(h100.dollarsPerHour).toBeCloseTo(17.45, 9);
    expect(h100.fpsRange[0]).toBeLessThan(h100.fps);
    expect(h100.fpsRange[1]).toBeGreaterThan(h100.fps);
    expect(h100.plan.hardware).toMatchObject({ gpu: "h100-sxm", count: 5 });
  });

  it.concurrent("--by with another value exits 2 naming the flag", async () => {
    const run = await headroom("rank", "--by", "price");
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual(['headroom: --by: expects cost or fps, got "price"']);
  });
});
