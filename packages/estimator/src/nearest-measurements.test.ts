import { describe, expect, it } from "vitest";
import { compareMeasurement, type Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { nearestMeasurements } from "./nearest-measurements.ts";
import { GIB } from "./units.ts";

const run = (id: string, plan: Measurement["plan"], deviceUsed: number, capBytes: number | null): Measurement => ({
  id, command: "probe.py", date: "2026-11-26", gpu: "NVIDIA H100 80GB HBM3", torchVersion: "2.11", capBytes, plan,
  ranks: [{ rank: 0, fits: true, oomPhase: null, phases: { denoise: { allocated: deviceUsed - GIB, reserved: deviceUsed - 0.7 * GIB, deviceUsed } } }],
});

describe("nearestMeasurements", () => {
  const headline = resolvePlan({ hardware: { gpu: "rtx-4090" }, params: { size: "384*256", offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } });
  const measurements = [
    run("h100-default", resolvePlan({ hardware: { gpu: "h100-sxm" } }), 59 * GIB, null),
    run("rtx4090-headline", headline, 22.9 * GIB, 23.65 * GIB),
  ];
  const comparisons = measurements.map(compareMeasurement);
  it("puts the run of the same plan first and says what it measured", () => {
    const [first] = nearestMeasurements(headline, measurements, comparisons, 2);
    expect(first?.id).toBe("rtx4090-headline");
    expect(first?.summary).toMatch(/cap 23\.65 GiB: 22\.90 GiB peak \(predicted \d+\.\d\d\)/);
  });
  it("returns at most `limit`", () => {
    expect(nearestMeasurements(headline, measurements, comparisons, 1)).toHaveLength(1);
  });
});
