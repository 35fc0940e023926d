import { estimate, resolvePlan, type Plan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { compareSides, measuredPhaseBytes, type CompareSide } from "./compare-jobs";

const side = (plan: Plan, measured: CompareSide["measured"] = null): CompareSide => ({ label: "x", plan, estimate: estimate(plan), measured });

describe("compareSides", () => {
  const a = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 } });
  const b = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { offloadModel: true, sampleSteps: 8 } });
  const result = compareSides(side(a, { peakBytes: 20e9, phaseBytes: { denoise: 19e9 }, wallSeconds: 600 }), side(b));

  it("lists the flags that differ, a's value then b's", () => {
    expect(result.flags).toEqual([{ flag: "sample_steps", a: "4", b: "8" }, { flag: "offload_model", a: "false", b: "true" }]);
  });
  it("puts the worst GPU's predicted memory of every phase beside the measured one", () => {
    const denoise = result.memory.find((row) => row.label === "denoise · predicted")!;
    expect(denoise.a).toBe(estimate(a).gpus[estimate(a).worstRank]!.phases.find((p) => p.phase === "denoise")!.totalBytes);
    expect(result.memory.find((row) => row.label === "denoise · measured")).toEqual({ label: "denoise · measured", unit: "bytes", a: 19e9, b: null });
    expect(result.memory.find((row) => row.label === "peak · measured")).toMatchObject({ a: 20e9, b: null });
  });
  it("compares speed: more steps take longer", () => {
    const wall = result.speed.find((row) => row.label === "wall time · predicted")!;
    expect(wall.b!).toBeGreaterThan(wall.a!);
    expect(result.speed.find((row) => row.label === "wall time · measured")).toMatchObject({ a: 600, b: null });
  });
  it("gives each predicted speed its error bar's range, as the playground prints it; a measurement has none", () => {
    const fps = result.speed.find((row) => row.label === "video FPS · predicted")!;
    expect(fps.aRange).toEqual(estimate(a).speed.fpsRange);
    expect(fps.aRange![0]).toBeLessThan(fps.a!);
    expect(fps.bRange![1]).toBeGreaterThan(fps.b!);
    expect(result.speed.find((row) => row.label === "wall time · measured")!.aRange).toBeUndefined();
  });
  it("shows host RAM by phase", () => {
    expect(result.hostRam.map((row) => row.label)).toEqual(["load · predicted", "run · predicted", "host RAM given"]);
  });
});

describe("measuredPhaseBytes", () => {
  it("keeps each phase's largest device use over every rank, and ignores other events", () => {
    const events = [
      { type: "memory", payload: { phase: "denoise", deviceUsed: 5, rank: 0 } },
      { type: "memory", payload: { phase: "denoise", deviceUsed: 7, rank: 1 } },
      { type: "memory", payload: { phase: "load", deviceUsed: 3 } },
      { type: "progress", payload: { phase: "denoise", deviceUsed: 99 } },
      { type: "memory", payload: { phase: "decode", deviceUsed: "bad" } },
    ];
    expect(measuredPhaseBytes(events)).toEqual({ denoise: 7, load: 3 });
  });
});
