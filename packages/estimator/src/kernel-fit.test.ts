import { describe, expect, it } from "vitest";
import { Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { KERNEL_FACTORS } from "./kernel-factors.ts";
import { measuredKernelFactors, staleKernelFactors } from "./kernel-fit.ts";

const run = (id: string, levers: { fp8: boolean; enableCompile: boolean }, seconds: number, extra: Partial<Measurement> = {}): Measurement =>
  Measurement.parse({
    id,
    instrument: { kind: "upstream", commit: "9c2c38de1715e553127b42c82cb959f756b02595" },
    command: "python3 -m headroom_upstream",
    date: "2026-12-05T00:00:00Z",
    gpu: "NVIDIA H200",
    torchVersion: "2.11.0",
    capBytes: null,
    plan: resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "704*384", ...levers } }),
    ranks: [{ rank: 0, phases: {}, fits: true, secondsPerForward: seconds }],
    ...extra,
  });

describe("measuredKernelFactors reads each lever pair off upstream's timed runs", () => {
  const compiled = run("c2", { fp8: true, enableCompile: true }, 0.2);
  const eager = run("eager-c2", { fp8: true, enableCompile: false }, 0.3);
  const bf16Eager = run("bf16-eager-c2", { fp8: false, enableCompile: false }, 0.29);
  const sdpa = run("eager-sdpa-c2", { fp8: true, enableCompile: false }, 0.33, { selfAttention: "sdpa" });

  it("divides each run by the compiled fp8 run of the same shape, and SDPA by its cuDNN twin", () => {
    const factors = measuredKernelFactors([compiled, eager, bf16Eager, sdpa]);
    expect(factors.map((f) => [f.kernels, f.run, f.baseline, Number(f.factor.toFixed(3))])).toEqual([
      ["eager-fp8", "eager-c2", "c2", 1.5],
      ["eager-bf16", "bf16-eager-c2", "c2", 1.45],
      ["sdpa-self-attention", "eager-sdpa-c2", "eager-c2", 1.1],
    ]);
  });
  it("pairs nothing across shapes, nothing the probe timed, and nothing that ran out of memory", () => {
    const otherFrame = run("eager-384", { fp8: true, enableCompile: false }, 0.1, { plan: resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "384*256", fp8: true, enableCompile: false } }) });
    const probe = { ...eager, id: "probe", instrument: { kind: "probe" as const } };
    const oom = { ...bf16Eager, ranks: [{ ...bf16Eager.ranks[0]!, fits: false }] };
    expect(measuredKernelFactors([compiled, otherFrame, probe, oom])).toEqual([]);
  });
  it("flags a factor in use that upstream's runs contradict by more than 10 %", () => {
    // A faster compiled baseline: eager-fp8 measured ×1.67 against ×1.46 in use; eager-bf16 ×1.61 against ×1.41; SDPA is not a lever
    const factors = measuredKernelFactors([run("c2", { fp8: true, enableCompile: true }, 0.18), eager, bf16Eager, sdpa]);
    expect(staleKernelFactors(factors, KERNEL_FACTORS).map((f) => f.kernels)).toEqual(["eager-fp8", "eager-bf16"]);
    expect(staleKernelFactors(factors, { ...KERNEL_FACTORS, "eager-fp8": { factor: 1.6 }, "eager-bf16": { factor: 1.55 } })).toEqual([]);
  });
});
