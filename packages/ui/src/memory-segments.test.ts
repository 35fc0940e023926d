import { estimate, resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { memorySegments } from "./memory-segments.ts";

describe("memorySegments", () => {
  const gpu = estimate(resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 } })).gpus[0]!;
  const segments = memorySegments(gpu);
  it("adds up to the peak, as shares of usable VRAM", () => {
    expect(segments.reduce((sum, s) => sum + s.bytes, 0)).toBeCloseTo(gpu.peakBytes);
    expect(segments.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(gpu.peakBytes / gpu.usableBytes);
  });
  it("puts resident memory first, largest first", () => {
    const firstTransient = segments.findIndex((s) => s.isTransient);
    expect(segments.slice(firstTransient).every((s) => s.isTransient)).toBe(true);
    expect(segments[0]!.bytes).toBeGreaterThanOrEqual(segments[1]!.bytes);
  });
  it("an over-full GPU has shares past 1", () => {
    expect(segments.reduce((sum, s) => sum + s.share, 0)).toBeGreaterThan(1);
  });
});
