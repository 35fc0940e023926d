import { estimate, resolvePlan, speedRanges } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { EstimateJson } from "./estimate.ts";

describe("EstimateJson: speed ranges", () => {
  const fresh = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
  it("keeps the ranges a current snapshot stored", () => {
    const read = EstimateJson.parse(JSON.parse(JSON.stringify(fresh)));
    expect(read.speed.fpsRange).toEqual(fresh.speed.fpsRange);
    expect(read.speed.speedErrorBar.regime).toBe("compute");
  });
  it("gives a snapshot stored before the speed error bar its ranges from its point values", () => {
    const oldSpeed: Partial<typeof fresh.speed> = { ...fresh.speed };
    for (const key of ["fpsRange", "stepSecondsRange", "wallSecondsRange", "speedErrorBar"] as const) delete oldSpeed[key];
    const read = EstimateJson.parse(JSON.parse(JSON.stringify({ ...fresh, speed: oldSpeed })));
    expect(read.speed.fpsRange).toEqual(speedRanges(fresh.speed).fpsRange);
    expect(Object.keys(oldSpeed)).not.toContain("fpsRange");
    expect(read.speed.wallSecondsRange[1]).toBeGreaterThan(read.speed.wallSeconds);
  });
});
