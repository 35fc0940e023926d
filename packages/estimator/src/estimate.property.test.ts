import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { GPU_IDS } from "./gpu-catalog.ts";
import { parseSize, SUPPORTED_SIZES, type PlanInput } from "./plan.ts";

const arbInput = fc.record({
  gpu: fc.constantFrom(...GPU_IDS),
  count: fc.constantFrom(1, 2, 5, 8),
  size: fc.constantFrom(...SUPPORTED_SIZES),
  inferFrames: fc.constantFrom(12, 24, 48, 80),
  fp8: fc.boolean(),
  offloadKvCache: fc.boolean(),
  t5Cpu: fc.boolean(),
  offloadModel: fc.boolean(),
  enableOnlineDecode: fc.boolean(),
  ditFsdp: fc.boolean(),
  quantizeOnCpu: fc.boolean(),
});
type Arb = typeof arbInput extends fc.Arbitrary<infer T> ? T : never;

const toInput = (a: Arb): PlanInput => ({
  hardware: { gpu: a.gpu, count: a.count },
  params: { size: a.size, inferFrames: a.inferFrames, fp8: a.fp8, offloadKvCache: a.offloadKvCache, t5Cpu: a.t5Cpu, offloadModel: a.offloadModel, enableOnlineDecode: a.enableOnlineDecode, quantizeOnCpu: a.quantizeOnCpu },
  parallel: { ditFsdp: a.ditFsdp },
});
const maxPeak = (input: PlanInput) => Math.max(...estimate(resolvePlan(input)).gpus.map((gpu) => gpu.peakBytes));
const weightShard = (input: PlanInput) =>
  estimate(resolvePlan(input)).gpus[0]!.phases.find((p) => p.phase === "denoise")!.terms.find((t) => t.id === "dit-weights")!.value;
const activationBytes = (input: PlanInput) =>
  estimate(resolvePlan(input)).gpus[0]!.phases.find((p) => p.phase === "denoise")!.terms.find((t) => t.id === "dit-activations")!.value;

describe("estimator invariants", () => {
  it("more GPUs never raise a GPU's weight shard under FSDP", () => {
    fc.assert(fc.property(arbInput, fc.integer({ min: 2, max: 16 }), (a, extra) => {
      const base = { ...toInput(a), parallel: { mode: "tpp" as const, ditFsdp: true } };
      const more = { ...base, hardware: { ...base.hardware, count: a.count + extra } };
      expect(weightShard(more)).toBeLessThanOrEqual(weightShard(base));
    }), { numRuns: 60 });
  });
  it("a larger size or more frames never lowers activation memory", () => {
    fc.assert(fc.property(arbInput, fc.constantFrom(...SUPPORTED_SIZES), fc.integer({ min: 0, max: 96 }), (a, other, moreFrames) => {
      const area = (size: string) => { const { width, height } = parseSize(size); return width * height; };
      const [small, large] = area(a.size) <= area(other) ? [a.size, other] : [other, a.size];
      const lo = toInput({ ...a, size: small });
      const hi = toInput({ ...a, size: large, inferFrames: (a.inferFrames + moreFrames) as Arb["inferFrames"] });
      // Token counts round per axis, so compare on sizes whose both sides are no smaller.
      const s = parseSize(small); const l = parseSize(large);
      fc.pre(l.width >= s.width && l.height >= s.height);
      expect(activationBytes(hi)).toBeGreaterThanOrEqual(activationBytes(lo));
    }), { numRuns: 80 });
  });
  it("moving the KV cache or the text encoder to the CPU never raises the GPU peak", () => {
    fc.assert(fc.property(arbInput, (a) => {
      const base = toInput({ ...a, offloadKvCache: false, t5Cpu: false });
      expect(maxPeak(toInput({ ...a, offloadKvCache: true, t5Cpu: false }))).toBeLessThanOrEqual(maxPeak(base));
      expect(maxPeak(toInput({ ...a, offloadKvCache: false, t5Cpu: true }))).toBeLessThanOrEqual(maxPeak(base));
    }), { numRuns: 100 });
  });
  it("every estimate is finite and non-negative", () => {
    fc.assert(fc.property(arbInput, (a) => {
      const est = estimate(resolvePlan(toInput(a)));
      for (const gpu of est.gpus) expect(gpu.peakBytes).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(est.speed.fps) && est.speed.fps > 0).toBe(true);
      expect(Number.isFinite(est.hostRamBytes)).toBe(true);
    }), { numRuns: 100 });
  });
});
