import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { formatFpsRange, roundRange, significantFigures, SPEED_ERROR_BAR, SPEED_REGIMES, speedRanges } from "./speed-error-bar.ts";
import { deriveSpeedErrorBar, FPS_OBSERVATIONS, fpsMiss, speedMisses } from "./speed-observations.ts";

describe("SPEED_ERROR_BAR is the estimator's own miss on every committed speed observation", () => {
  const derived = deriveSpeedErrorBar(speedMisses());
  it.each(SPEED_REGIMES)("%s: the stated bar covers every miss and is no more than 10 %% wider (rounded up to 2 figures)", (regime) => {
    const stated = SPEED_ERROR_BAR[regime];
    for (const side of ["slower", "faster"] as const) {
      expect(stated[side], side).toBeGreaterThanOrEqual(derived[regime][side]);
      expect(stated[side], side).toBeLessThanOrEqual(derived[regime][side] * 1.1);
    }
  });
  it("each observation falls in the regime its plan's offload share says, and the numbers are the ones the source cites", () => {
    const misses = Object.fromEntries(FPS_OBSERVATIONS.map((o) => [o.id, fpsMiss(o)]));
    expect(misses["README 45 FPS"]).toMatchObject({ regime: "compute" });
    // the README's claim runs 1.17× faster than the fit (upstream's own compiled forwards on one H100)
    expect(misses["README 45 FPS"]!.slower).toBeCloseTo(1, 2);
    expect(misses["README 45 FPS"]!.faster).toBeCloseTo(1.17, 2);
    expect(misses["FR-14"]).toMatchObject({ regime: "compute", faster: 1 });
    expect(misses["FR-14"]!.slower).toBeGreaterThan(2);
    expect(misses["FR-15"]).toMatchObject({ regime: "offload" });
    expect(misses["FR-12"]).toMatchObject({ regime: "offload" });
    expect(misses["FR-12"]!.slower).toBeGreaterThan(50);
    // Users' own timings sit under the README's claim on the same plan; none above it.
    expect(misses["issue #38"]!.slower).toBeCloseTo(39.16 / 20, 1);
    expect(misses["issue #22"]!.slower).toBeGreaterThan(misses["README 20 FPS"]!.slower);
  });
  it("an observation marked not held (a user's own code) stays out of the bar", () => {
    const own = FPS_OBSERVATIONS.find((o) => o.held === false)!;
    expect(own.id).toBe("issue #35");
    expect(speedMisses().map((miss) => miss.id)).not.toContain(own.id);
    expect(fpsMiss(own).slower).toBeGreaterThan(SPEED_ERROR_BAR.compute.slower);
  });
  it("would fail if the model drifted: a 10× wider miss on FR-12 widens the offload bar past the stated one", () => {
    const drifted = speedMisses().map((miss) => (miss.id === "FR-12" ? { ...miss, slower: miss.slower * 10 } : miss));
    expect(deriveSpeedErrorBar(drifted).offload.slower).toBeGreaterThan(SPEED_ERROR_BAR.offload.slower);
  });
});

describe("estimate.speed carries ranges around its point values", () => {
  it("5 × H100 at the README's point: FPS from 45 / 3.7 to 45 × 1.3, printed outward at one figure", () => {
    const { speed } = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
    expect(speed.speedErrorBar.regime).toBe("compute");
    expect(speed.fpsRange[0]).toBeCloseTo(speed.fps / 3.7, 9);
    expect(speed.fpsRange[1]).toBeCloseTo(speed.fps * 1.3, 9);
    expect(speed.fpsRange[0]).toBeLessThan(speed.fps);
    expect(formatFpsRange(speed.fpsRange)).toBe("10–51 FPS");
    expect(speed.stepSecondsRange[0]).toBeLessThan(speed.stepSeconds);
    expect(speed.stepSecondsRange[1]).toBeGreaterThan(speed.stepSeconds);
  });
  it("start-up is not scaled: the wall range keeps the load and compile seconds", () => {
    const ranges = speedRanges({ fps: 10, stepSeconds: 1, startupSeconds: 100, wallSeconds: 200, offloadShare: 0 });
    expect(ranges.wallSecondsRange[0]).toBeCloseTo(100 + 100 / 1.3, 9);
    expect(ranges.wallSecondsRange[1]).toBeCloseTo(100 + 100 * 3.7, 9);
  });
  it("an offload-bound plan takes the offload bar", () => {
    expect(speedRanges({ fps: 1, stepSeconds: 1, startupSeconds: 0, wallSeconds: 1, offloadShare: 0.8 }).speedErrorBar.regime).toBe("offload");
  });
});

describe("rounding to what the bar supports", () => {
  it("two figures while the range is narrower than 4×, one for the low end when wider", () => {
    expect(significantFigures([10, 39])).toBe(2);
    expect(significantFigures([10, 40])).toBe(1);
  });
  it("rounds outward so the printed range still contains the computed one", () => {
    expect(roundRange([8.65, 54.01])).toEqual([8, 55]);
    expect(roundRange([16.3, 113])).toEqual([10, 120]);
    expect(roundRange([1.23, 2.46])).toEqual([1.2, 2.5]);
    expect(roundRange([0.00306, 0.294])).toEqual([0.003, 0.3]);
    expect(formatFpsRange([0.7, 0.7])).toBe("0.7 FPS");
  });
});
