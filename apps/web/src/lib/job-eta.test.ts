import { describe, expect, it } from "vitest";
import { etaSeconds } from "./job-eta";

describe("etaSeconds", () => {
  it("is the prediction before any progress", () => {
    expect(etaSeconds({ predictedWallSeconds: 600, elapsedSeconds: 0, progress: 0 })).toBe(600);
    expect(etaSeconds({ predictedWallSeconds: 600, elapsedSeconds: 30, progress: 0.01 })).toBe(570);
  });
  it("leans on the measured rate as progress grows (a run twice as slow as predicted)", () => {
    // halfway after 600 s of a 600 s prediction: measured total 1200 s, blended 900 s, 300 s left
    expect(etaSeconds({ predictedWallSeconds: 600, elapsedSeconds: 600, progress: 0.5 })).toBe(300);
    // 90 % after 1080 s: measured total 1200, blended 0.1·600 + 0.9·1200 = 1140, 60 s left
    expect(etaSeconds({ predictedWallSeconds: 600, elapsedSeconds: 1080, progress: 0.9 })).toBeCloseTo(60);
  });
  it("without a prediction, needs 5 % done and then follows the rate", () => {
    expect(etaSeconds({ predictedWallSeconds: null, elapsedSeconds: 2, progress: 0.01 })).toBeNull();
    expect(etaSeconds({ predictedWallSeconds: null, elapsedSeconds: 10, progress: 0.25 })).toBe(30);
  });
  it("never goes below zero", () => {
    expect(etaSeconds({ predictedWallSeconds: 60, elapsedSeconds: 500, progress: 0 })).toBe(0);
  });
});
