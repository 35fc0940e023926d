import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { estimate } from "./estimate.ts";
import { kvCacheLayout } from "./kv-cache.ts";
import { ditParams, getProfile } from "./model-profile.ts";
import { GB, GIB } from "./units.ts";
import { ditWeightBytes } from "./weights.ts";

const profile = getProfile("liveavatar-1.0");
const denoise = (est: ReturnType<typeof estimate>, rank = 0) => est.gpus[rank]!.phases.find((phase) => phase.phase === "denoise")!;
const term = (est: ReturnType<typeof estimate>, id: string, rank = 0, phase = "denoise") =>
  est.gpus[rank]!.phases.find((p) => p.phase === phase)!.terms.find((t) => t.id === id);

describe("architecture constants (helper count of the S2V DiT, fp8_linear.py)", () => {
  it("the DiT has 16.30 G parameters: 32.6 GB in bf16, about 16.65 GB with fp8 linears", () => {
    expect(ditParams(profile)).toBe(16_295_755_609);
    expect(ditWeightBytes(profile, false) / GB).toBeCloseTo(32.59, 1);
    expect(ditWeightBytes(profile, true) / GB).toBeCloseTo(16.65, 1);
  });
  it("one step's window is 10.38 GB at 704*384 × 48 frames; four windows share one 2.29 GB cond cache on the GPU (43.8 GB)", () => {
    const layout = kvCacheLayout(profile, 48, 1056, "single", 4);
    expect(layout.windowTokens).toBe(12_672);
    expect(layout.bytesPerCache / GB).toBeCloseTo(12.67, 1);
    expect(layout.gpuBytes / GB).toBeCloseTo(43.8, 1);
  });
  it("offloaded, every step cache carries its own cond cache on the host (50.7 GB) and one is on the GPU", () => {
    const layout = kvCacheLayout(profile, 48, 1056, "single", 4, true);
    expect(layout.hostBytes / GB).toBeCloseTo(50.7, 0);
    expect(layout.gpuBytes).toBe(layout.bytesPerCache);
  });
  it("a TPP DiT rank keeps one cache of window + 3,000 cond tokens (≈ 12.8 GB at 704*384)", () => {
    expect(kvCacheLayout(profile, 48, 1056, "tpp", 4).gpuBytes / GB).toBeCloseTo(12.84, 1);
  });
});

describe("estimate()", () => {
  it("gives every GPU a role, phases and a peak phase", () => {
    const est = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
    expect(est.gpus.map((gpu) => gpu.role)).toEqual(["dit", "dit", "dit", "dit", "vae"]);
    for (const gpu of est.gpus) {
      expect(gpu.phases.map((phase) => phase.phase)).toEqual(["load", "encode", "denoise", "decode"]);
      expect(gpu.peakBytes).toBe(Math.max(...gpu.phases.map((phase) => phase.totalBytes)));
      expect(gpu.marginBytes).toBeCloseTo(gpu.usableBytes - gpu.peakBytes);
    }
  });
  it("the single-GPU script fits one H100 and not one L40S (four KV caches stay on the GPU)", () => {
    expect(estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 } })).gpus[0]!.marginBytes).toBeGreaterThan(0);
    const l40s = estimate(resolvePlan({ hardware: { gpu: "l40s", count: 1 } }));
    expect(l40s.gpus[0]!.marginBytes).toBeLessThan(0);
    expect(l40s.gpus[0]!.peakPhase).toBe("denoise");
  });
  it("fp8 without the loader patch peaks at load: the bf16 DiT reaches the GPU first", () => {
    const est = estimate(resolvePlan({ hardware: { gpu: "rtx-4090", count: 1 }, params: { offloadKvCache: true, t5Cpu: true, size: "384*256" } }));
    expect(est.gpus[0]!.peakPhase).toBe("load");
    expect(term(est, "dit-weights-bf16", 0, "load")?.value).toBeCloseTo(ditWeightBytes(profile, false));
  });
  it("offloading the KV cache leaves one step's cache on the GPU and moves all four to the host", () => {
    const on = estimate(resolvePlan({ params: { offloadKvCache: false } }));
    const off = estimate(resolvePlan({ params: { offloadKvCache: true } }));
    expect(term(on, "kv-cache")!.value).toBeGreaterThan(3 * term(off, "kv-cache")!.value);
    expect(off.hostRamBytes - on.hostRamBytes).toBeGreaterThan(term(on, "kv-cache")!.value);
    expect(off.speed.offloadShare).toBeGreaterThan(0);
  });
  it("num_clip moves host RAM, not GPU memory (the source keeps clip latents on the CPU; FR-9)", () => {
    const plan = (numClip: number) => resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { numClip } });
    const few = estimate(plan(10));
    const many = estimate(plan(100));
    expect(many.gpus[0]!.peakBytes).toBe(few.gpus[0]!.peakBytes);
    expect(many.hostRamBytes).toBeGreaterThan(few.hostRamBytes);
    const box = estimate(resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 10 } }));
    expect(box.notes.some((note) => note.id === "FR-9" && note.cites.includes("FR-9"))).toBe(true);
  });
  it("decoded frames on the host: 4 fp32 copies of clips × infer_frames − 3 frames (measured slope 4.0, h100-*-c*.json)", () => {
    const plan = (numClip: number) => resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { size: "704*384", inferFrames: 48, numClip, audioSeconds: 60 } });
    const frames = (est: ReturnType<typeof estimate>) => est.hostRamTerms.find((t) => t.id === "host-frames")!.value;
    const ten = estimate(plan(10));
    expect(frames(ten)).toBe((10 * 48 - 3) * 3 * 704 * 384 * 4 * 4);
    expect(frames(ten) / GIB).toBeCloseTo(5.76, 2); // measured 7.18 GiB peak RSS = 1.40 runtime + 5.78
    expect(frames(estimate(plan(5))) - frames(estimate(plan(1)))).toBe(4 * 48 * 3 * 704 * 384 * 4 * 4);
    expect(estimate(plan(10)).gpus[0]!.phases.map((p) => p.totalBytes)).toEqual(estimate(plan(1)).gpus[0]!.phases.map((p) => p.totalBytes));
  });
  it("speed: 5 × H100 in TPP at 720*400 matches the README's 45 FPS (the fitted overhead factor)", () => {
    const est = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
    expect(est.speed.fps).toBeGreaterThan(40);
    expect(est.speed.fps).toBeLessThan(50);
  });
  it("wall time covers the requested clips: audio caps num_clip", () => {
    const est = estimate(resolvePlan({ params: { numClip: 10000, audioSeconds: 10 } }));
    expect(est.speed.clips).toBe(6);
    expect(est.speed.wallSeconds).toBeCloseTo(est.speed.startupSeconds + 6 * est.speed.clipSeconds);
  });
  it("states its error bar: max(3 %, 0.5 GiB)", () => {
    const est = estimate(resolvePlan({}));
    expect(est.errorBar.relative).toBe(0.03);
    expect(est.errorBar.absoluteBytes).toBe(0.5 * GIB);
  });
  it("is total: a 64-GPU custom box still gets an estimate", () => {
    const est = estimate(resolvePlan({ hardware: { gpu: "custom", custom: { name: "x", vramGib: 12, bf16Tflops: 50, memoryBandwidthGbPerS: 500 }, count: 64 } }));
    expect(est.gpus).toHaveLength(64);
    expect(Number.isFinite(est.speed.fps)).toBe(true);
    expect(denoise(est).totalBytes).toBeGreaterThan(0);
  });
});
