import { describe, expect, it } from "vitest";
import { Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { compareSpeed } from "./speed-calibration.ts";
import { compareStageTimings } from "./stage-timings.ts";
import { COMPILE_SECONDS } from "./throughput.ts";

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
});
