import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { KERNEL_FACTORS, KERNEL_SETS, kernelSet, UPSTREAM_FORWARD_SECONDS } from "./kernel-factors.ts";
import type { PlanInput } from "./plan.ts";

const speedOf = (params: PlanInput["params"], count = 5) => estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count }, params })).speed;

describe("kernel factors: each lever pair costs its named, cited factor on the DiT forward", () => {
  it("the scripts' default (fp8, compiled) is what the forward's line is fitted to: upstream's own forward on one H200, 0.306 s at 704×384, within 2 %", () => {
    const speed = estimate(resolvePlan({ hardware: { gpu: "h200", count: 1 } })).speed;
    expect(Math.abs(speed.forwardSeconds / UPSTREAM_FORWARD_SECONDS["compiled-fp8"] - 1)).toBeLessThan(0.02);
    expect(speed.terms.find((term) => term.id === "dit-kernels")!.value).toBe(0);
  });
  it.each(KERNEL_SETS.filter((set) => set !== "compiled-fp8"))("%s: the forward is the default's times its factor, with that factor's source", (set) => {
    const params = { fp8: set.endsWith("fp8"), enableCompile: set.startsWith("compiled") };
    expect(kernelSet(params)).toBe(set);
    const base = speedOf({});
    const speed = speedOf(params);
    expect(speed.forwardSeconds / base.forwardSeconds).toBeCloseTo(KERNEL_FACTORS[set].factor, 6);
    const term = speed.terms.find((t) => t.id === "dit-kernels")!;
    expect(term.value).toBeGreaterThan(0);
    expect(term.source).toEqual(KERNEL_FACTORS[set].source);
    expect(term.inputs).toMatchObject({ kernels: set, factor: KERNEL_FACTORS[set].factor });
  });
  it("upstream's own forwards: turning compilation off costs 27 %; dropping fp8 costs 2 % compiled and gains 3 % eager (uncompiled, it quantizes every activation)", () => {
    expect(KERNEL_FACTORS["eager-fp8"].factor).toBeCloseTo(1.274, 2);
    expect(KERNEL_FACTORS["eager-bf16"].factor).toBeCloseTo(1.239, 2);
    expect(KERNEL_FACTORS["compiled-bf16"].factor).toBeCloseTo(1.015, 2);
    expect(KERNEL_FACTORS["eager-bf16"].factor).toBeLessThan(KERNEL_FACTORS["eager-fp8"].factor);
    expect(speedOf({ enableCompile: false }).fps).toBeLessThan(speedOf({}).fps / 1.25);
    for (const set of KERNEL_SETS) expect(KERNEL_FACTORS[set].source.kind).toBe("measurement");
  });
  it("compilation's start-up is paid only with it on", () => {
    expect(speedOf({ enableCompile: false }).startupSeconds).toBeLessThan(speedOf({}).startupSeconds);
  });
});
