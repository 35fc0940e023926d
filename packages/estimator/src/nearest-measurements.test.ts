import { describe, expect, it } from "vitest";
import type { Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { measuredRunsFrom, nearestMeasurements } from "./nearest-measurements.ts";
import { planDifferences } from "./plan-diff.ts";
import { GIB } from "./units.ts";

const run = (id: string, plan: Measurement["plan"], deviceUsed: number, capBytes: number | null): Measurement => ({
  id, instrument: { kind: "probe" }, command: "probe.py", date: "2026-11-26", gpu: "NVIDIA H100 80GB HBM3", torchVersion: "2.11", capBytes, plan,
  ranks: [{ rank: 0, fits: true, oomPhase: null, phases: { denoise: { allocated: deviceUsed - GIB, reserved: deviceUsed - 0.7 * GIB, deviceUsed } } }],
});

describe("nearestMeasurements", () => {
  const headline = resolvePlan({ hardware: { gpu: "rtx-4090" }, params: { size: "384*256", offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } });
  const h100 = resolvePlan({ hardware: { gpu: "h100-sxm" } });
  const runs = measuredRunsFrom([
    { name: "h100-default.json", json: run("h100-default", h100, 59 * GIB, null) },
    { name: "rtx4090-headline.json", json: run("rtx4090-headline", headline, 22.9 * GIB, 23.65 * GIB) },
  ]);

  it("says where a run completed under its cap but the device held more than the card", () => {
    const over = measuredRunsFrom([{ name: "over.json", json: run("over", headline, 24.13 * GIB, 23.65 * GIB) }]);
    const [first] = nearestMeasurements(headline, over, 1);
    expect(first?.measuredFits).toBe(false);
    expect(first?.summary).toMatch(/held 0\.48 GiB more than the card .*does not fit/);
    const under = measuredRunsFrom([{ name: "under.json", json: run("under", headline, 22.9 * GIB, 23.65 * GIB) }]);
    expect(nearestMeasurements(headline, under, 1)[0]?.summary).not.toMatch(/more than the card/);
  });
  it("puts the run of the same plan first and says what it measured, at which phase, against the prediction", () => {
    const [first] = nearestMeasurements(headline, runs, 2);
    expect(first?.id).toBe("rtx4090-headline");
    expect(first?.file).toBe("rtx4090-headline.json");
    expect(first?.summary).toMatch(/cap 23\.65 GiB: 22\.90 GiB peak \(predicted \d+\.\d\d\)/);
    expect(first?.peak).toMatchObject({ rank: 0, phase: "denoise", measuredBytes: 22.9 * GIB });
    expect(first?.peak?.errorBytes).toBeCloseTo(first!.peak!.predictedBytes - 22.9 * GIB);
    expect(first?.differences).toEqual([]);
  });

  it("says what the other runs' plans set differently", () => {
    const other = nearestMeasurements(headline, runs, 2)[1]!;
    expect(other.id).toBe("h100-default");
    expect(other.differences).toContainEqual({ flag: "gpu", value: "h100-sxm", current: "rtx-4090" });
    expect(other.differences).toContainEqual({ flag: "size", value: h100.params.size, current: "384*256" });
  });

  it("among equally near runs, puts the one whose plan differs in fewest fields first", () => {
    const block = resolvePlan({ hardware: { gpu: "rtx-4090", count: 2 }, parallel: { ditFsdp: true, fsdpWrap: "block" } });
    const model = { ...block, parallel: { ...block.parallel, fsdpWrap: "model" as const } };
    const pair = measuredRunsFrom([
      { name: "a-block.json", json: run("a-block", block, 20 * GIB, 23.65 * GIB) },
      { name: "b-model.json", json: run("b-model", model, 21 * GIB, 23.65 * GIB) },
    ]);
    expect(nearestMeasurements(model, pair, 1)[0]?.id).toBe("b-model");
  });

  it("returns at most `limit`", () => {
    expect(nearestMeasurements(headline, runs, 1)).toHaveLength(1);
  });

  it("leaves out files that are not probe measurements", () => {
    const files = [{ name: "broken.json", json: { unreadable: "Unexpected token" } }, { name: "notes.json", json: { id: 3 } }];
    expect(measuredRunsFrom(files)).toEqual([]);
  });
});

describe("planDifferences", () => {
  it("is empty for the same plan and names each differing field by its flag", () => {
    const plan = resolvePlan();
    expect(planDifferences(plan, plan)).toEqual([]);
    const fp8 = { ...plan, params: { ...plan.params, fp8: !plan.params.fp8 } };
    expect(planDifferences(plan, fp8)).toEqual([{ flag: "fp8", value: String(!plan.params.fp8), current: String(plan.params.fp8) }]);
  });
});
