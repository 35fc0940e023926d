import { describe, expect, it } from "vitest";
import { Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { compareSpeed } from "./speed-calibration.ts";
import { compareStageTimings, steadyStep } from "./stage-timings.ts";
import { COMPILE_SECONDS, VAE_EFFICIENCY, VAE_MEMORY_SHARE, vaeSecondsPerFlop } from "./throughput.ts";
import { GPU_CATALOG } from "./gpu-catalog.ts";

const run = (kind: "probe" | "upstream", params: Record<string, unknown>, rank: Record<string, unknown>) =>
  Measurement.parse({
    id: `${kind}-run`,
    instrument: kind === "upstream" ? { kind, commit: "9c2c38de1715e553127b42c82cb959f756b02595" } : { kind, version: "0.4.0" },
    command: "x", date: "2026-12-05", gpu: "NVIDIA H200", torchVersion: "2.11", capBytes: null,
    plan: resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "704*384", ...params } }),
    ranks: [{ rank: 0, phases: {}, fits: true, secondsPerForward: 0.3, ...rank }],
  });

describe("stage timings: each timed stage of one GPU against its speed term", () => {
  it("upstream compiled: the forward is held to the compiled prediction and compile time to the start-up's compile", () => {
    const up = run("upstream", { enableCompile: true }, { compileSeconds: 120, decodeSecondsPerClip: [6, 5.8, 6.2], reencodeSeconds: 3 });
    const compiled = estimate(resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "704*384" } })).speed;
    expect(compareSpeed(up)!.predictedSeconds).toBeCloseTo(compiled.forwardSeconds, 9);
    const rows = compareStageTimings(up);
    expect(rows.map((r) => r.stage)).toEqual(["vae-decode", "vae-reencode", "compile"]);
    expect(rows.find((r) => r.stage === "compile")).toMatchObject({ predictedSeconds: COMPILE_SECONDS, measuredSeconds: 120 });
    expect(rows.find((r) => r.stage === "vae-decode")!.measuredSeconds).toBe(6);
  });
  it("the probe never compiles: its forward is held to the eager prediction, and it has no compile row", () => {
    const probe = run("probe", { enableCompile: true }, { decodeSecondsPerClip: [6] });
    const eager = estimate(resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "704*384", enableCompile: false } })).speed;
    expect(compareSpeed(probe)!.predictedSeconds).toBeCloseTo(eager.forwardSeconds, 9);
    expect(compareStageTimings(probe).map((r) => r.stage)).toEqual(["vae-decode"]);
  });
  it("with the KV cache offloaded, a step less its forward is the copy, against the kv-offload term", () => {
    const offloaded = run("probe", { offloadKvCache: true }, { secondsPerStep: 2.3 });
    const row = compareStageTimings(offloaded).find((r) => r.stage === "kv-copy-per-step")!;
    expect(row.measuredSeconds).toBeCloseTo(2.0, 9);
    expect(row.predictedSeconds).toBeGreaterThan(0);
  });
  it("a long run's step: the forward plus the last clip's median copy, leaving the first clip's page faults and clip 2's recompile out", () => {
    // upstream's compiled 12-frame run: 4 steps a clip; clip 2's first forward recompiled (2.24 s)
    const rank = run("upstream", { offloadKvCache: true }, {
      secondsPerForward: 0.15, secondsPerStep: 1.61, decodeSecondsPerClip: [2.9, 2.9],
      stepSeconds: [79.2, 1.61, 1.95, 1.88, 2.84, 1.24, 0.73, 0.81],
      forwardSeconds: [78.6, 0.15, 0.15, 0.15, 2.24, 0.19, 0.15, 0.14],
    }).ranks[0]!;
    const steady = steadyStep(rank)!;
    // copies of the last clip: 0.60, 1.05, 0.58, 0.67; the upper median
    expect(steady.copySeconds).toBeCloseTo(0.67, 9);
    expect(steady.stepSeconds).toBeCloseTo(0.82, 9);
    // without per-step timings (the probe) the median step stands
    expect(steadyStep({ ...rank, stepSeconds: null, forwardSeconds: null })).toEqual({ stepSeconds: 1.61, copySeconds: 1.61 - 0.15 });
    // steps that do not divide into the clips decoded (an OOM mid-clip) also fall back to the median step
    expect(steadyStep({ ...rank, decodeSecondsPerClip: [2.9, 2.9, 2.9] })!.stepSeconds).toBe(1.61);
  });
  it("the VAE's time: compute at the card's bf16 peak, its memory share at its bandwidth; the H200 it is fitted on unchanged", () => {
    const vae = (gpu: "h200" | "h100-sxm" | "rtx-4090") => estimate(resolvePlan({ hardware: { gpu, count: 1 }, params: { size: "704*384" } })).speed.terms.find((t) => t.id === "vae-decode")!.value;
    // the H200: flops ÷ (peak × efficiency), as fitted
    expect(vaeSecondsPerFlop(GPU_CATALOG.h200)).toBeCloseTo(1 / (GPU_CATALOG.h200.bf16Tflops * 1e12 * VAE_EFFICIENCY), 20);
    // the H100: the same peak, 0.70 of the bandwidth → 1 + 0.36 × (4800 / 3350 − 1) ≈ 1.156 of the H200's time
    expect(vae("h100-sxm") / vae("h200")).toBeCloseTo(1 + VAE_MEMORY_SHARE * (4800 / 3350 - 1), 9);
    expect(vae("h100-sxm") / vae("h200")).toBeGreaterThan(1.15);
    // a 4090: 0.64 of the time at a sixth of the peak, 0.36 at a fifth of the bandwidth
    const expected = (1 - VAE_MEMORY_SHARE) * (989.4 / 165.2) + VAE_MEMORY_SHARE * (4800 / 1008);
    expect(vae("rtx-4090") / vae("h200")).toBeCloseTo(expected, 6);
  });
});
