import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { GPU_IDS } from "./gpu-catalog.ts";
import { GPU_PRICES, dollarsPerHour, dollarsPerVideoMinute, formatDollars, pricePerGpuHour } from "./gpu-prices.ts";

describe("GPU_PRICES: a dated, cited on-demand price per catalog GPU", () => {
  it("every catalog GPU has a row; every price names its provider, an https page and an ISO date", () => {
    expect(Object.keys(GPU_PRICES).sort()).toEqual([...GPU_IDS].sort());
    for (const price of Object.values(GPU_PRICES)) {
      if (price === null) continue;
      expect(price.usdPerGpuHour).toBeGreaterThan(0);
      expect(price.provider).not.toBe("");
      expect(price.url).toMatch(/^https:\/\//);
      expect(price.pricedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
  it("quotes RunPod's Secure Cloud H100 SXM at $3.49 and converts the serverless per-second rate of a 3090 to $0.68/h", () => {
    expect(pricePerGpuHour("h100-sxm")).toBe(3.49);
    expect(pricePerGpuHour("rtx-3090")).toBe(0.68);
  });
  it("no price for a custom GPU or an unpriced card", () => {
    expect(pricePerGpuHour("custom")).toBeNull();
    expect(pricePerGpuHour("rtx-5090")).toBeNull();
  });
});

describe("dollarsPerHour and dollarsPerVideoMinute", () => {
  it("5 × H100 SXM rent for 5 × $3.49 an hour", () => {
    expect(dollarsPerHour({ hardware: { gpu: "h100-sxm", count: 5 } })).toBeCloseTo(17.45, 6);
    expect(dollarsPerHour({ hardware: { gpu: "rtx-5090", count: 2 } })).toBeNull();
  });
  it("an hour of wall time that makes 30 minutes of video costs two hours' rent per video-hour", () => {
    const plan = { hardware: { gpu: "h200" as const, count: 1 } };
    expect(dollarsPerVideoMinute(plan, { wallSeconds: 3600, videoSeconds: 1800 })).toBeCloseTo((4.59 * 2) / 60, 9);
    expect(dollarsPerVideoMinute(plan, { wallSeconds: 3600, videoSeconds: 0 })).toBeNull();
  });
  it("counts start-up: the same plan costs more per video minute when it compiles first", () => {
    const plan = resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } });
    const compiled = estimate({ ...plan, params: { ...plan.params, enableCompile: true } });
    const eager = estimate({ ...plan, params: { ...plan.params, enableCompile: false } });
    const ratio = compiled.speed.wallSeconds / eager.speed.wallSeconds;
    expect(ratio).toBeGreaterThan(1);
    expect(dollarsPerVideoMinute(plan, compiled.speed)! / dollarsPerVideoMinute(plan, eager.speed)!).toBeCloseTo(ratio, 9);
  });
});

describe("formatDollars", () => {
  it("cents from a dollar up, two significant figures below", () => {
    expect(formatDollars(17.45)).toBe("$17.45");
    expect(formatDollars(0.5112)).toBe("$0.51");
    expect(formatDollars(0.04249)).toBe("$0.042");
  });
});
