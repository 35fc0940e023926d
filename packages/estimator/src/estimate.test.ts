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
    const frames = (est: ReturnType<typeof estimate>) => est.hostRamPhases.find((p) => p.phase === "run")!.terms.find((t) => t.id === "host-frames")!.value;
    const ten = estimate(plan(10));
    expect(frames(ten)).toBe((10 * 48 - 3) * 3 * 704 * 384 * 4 * 4);
    expect(frames(ten) / GIB).toBeCloseTo(5.76, 2); // measured 7.18 GiB peak RSS = 1.40 runtime + 5.78
    expect(frames(estimate(plan(5))) - frames(estimate(plan(1)))).toBe(4 * 48 * 3 * 704 * 384 * 4 * 4);
    // the frames go to the host: from the second clip on (the previous clip's decode, a GPU term) the GPU holds no more
    expect(estimate(plan(10)).gpus[0]!.phases.map((p) => p.totalBytes)).toEqual(estimate(plan(2)).gpus[0]!.phases.map((p) => p.totalBytes));
  });
  it("speed: the line through upstream's own compiled fp8 forwards (H100: 0.312 s at 704×384, 0.188 s at 384×256); 5 × H100 in TPP then predicts ~38.5 FPS, the README's 45 inside the 1.3× faster bar", () => {
    expect(estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 } })).speed.forwardSeconds).toBeCloseTo(0.312, 3);
    expect(estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { size: "384*256" } })).speed.forwardSeconds).toBeCloseTo(0.188, 3);
    // the H200 (same bf16 peak) ran it 2 % faster than the line
    expect(estimate(resolvePlan({ hardware: { gpu: "h200", count: 1 } })).speed.forwardSeconds / 0.3064).toBeLessThan(1.03);
    const est = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
    expect(est.speed.fps).toBeGreaterThan(37);
    expect(est.speed.fps).toBeLessThan(41);
    expect(45 / est.speed.fps).toBeLessThan(1.2);
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

describe("source truth (issue 12; Alibaba-Quark/LiveAvatar @9c2c38d, P1 = causal_s2v_pipeline.py, P5 = causal_s2v_pipeline_tpp.py)", () => {
  const single = (params = {}) => estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { size: "704*384", ...params } }));
  const tpp = (params = {}, parallel = {}) => estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 }, params, parallel }));
  const phase = (est: ReturnType<typeof estimate>, name: string, rank = 0) => est.gpus[rank]!.phases.find((p) => p.phase === name)!;
  const hostTerm = (est: ReturnType<typeof estimate>, phaseName: "load" | "run", id: string) => est.hostRamPhases.find((p) => p.phase === phaseName)!.terms.find((t) => t.id === id);

  it("P1 get_gen_size: the frame follows the image; every shape term follows the frame", () => {
    const portrait = single({ imageSize: "1080*1920" });
    expect(portrait.frame).toMatchObject({ width: 384, height: 704, imageSize: "1080*1920", isAssumedImage: false });
    expect(single().frame).toMatchObject({ width: 704, height: 384, isAssumedImage: true });
    const square = single({ imageSize: "1024*1024" });
    expect(term(square, "dit-activations")!.value).toBeLessThan(term(single(), "dit-activations")!.value);
    expect(term(square, "kv-cache")!.value).toBeLessThan(term(single(), "kv-cache")!.value);
  });
  it("P5: the multi-GPU script's --size 720*400 with its example image keeps a 12,672-token window, not 13,500", () => {
    expect(term(tpp(), "kv-cache")!.inputs.windowTokens).toBe(12_672);
  });
  it("P1 ~891–898, ~1157–1185: one GPU keeps a 365-frame motion context (92 latents) and decodes 92 + 12 latents (413 frames) per clip", () => {
    expect(phase(single(), "decode").terms.find((t) => t.id === "vae-decode")!.inputs.outputFrames).toBe(413);
    expect(term(single(), "videos-last-frames")!.value).toBe(365 * 3 * 704 * 384 * 2);
    expect(term(tpp(), "videos-last-frames")!.value).toBe(73 * 3 * 704 * 384 * 2);
    expect(single().speed.terms.find((t) => t.id === "vae-reencode")!.value).toBeGreaterThan(0);
    expect(tpp().speed.terms.find((t) => t.id === "vae-reencode")!.value).toBe(0);
  });
  it("P1 encode_audio: audio_emb (~51 KB per video frame) stays on every GPU, and wav2vec2 encodes the whole audio at once", () => {
    const minute = single({ audioSeconds: 60, t5Cpu: true });
    const hour = single({ audioSeconds: 3600, t5Cpu: true });
    expect(term(hour, "audio-emb")!.value - term(minute, "audio-emb")!.value).toBe(((Math.floor(90_000 / 48) + 1) - (Math.floor(1500 / 48) + 1)) * 48 * 25 * 1024 * 2); // padded to whole 48-frame clips
    expect(phase(hour, "encode").totalBytes).toBeGreaterThan(phase(minute, "encode").totalBytes + 10 * GIB);
    expect(term(tpp({ audioSeconds: 600 }), "audio-emb", 4, "decode")).toBeDefined();
    // num_clip moves no peak byte here (the denoise): only the audio's length does
    expect(single({ numClip: 1, audioSeconds: 600 }).gpus[0]!.peakBytes).toBe(single({ numClip: 10000, audioSeconds: 600 }).gpus[0]!.peakBytes);
  });
  it("P1 ~1157–1187: from the second clip on, the previous clip's whole fp32 decode is on the GPU through the next decode", () => {
    const frames = 413 * 3 * 704 * 384 * 4;
    expect(term(single({ numClip: 2 }), "previous-frames", 0, "decode")!.value).toBe(frames);
    expect(term(single({ numClip: 1 }), "previous-frames", 0, "decode")).toBeUndefined();
    expect(phase(single({ numClip: 2 }), "decode").totalBytes - phase(single({ numClip: 1 }), "decode").totalBytes).toBeGreaterThanOrEqual(frames);
    // "the whole audio" is many clips; TPP's VAE rank stream-decodes and keeps no such view
    expect(term(single({ numClip: 10000 }), "previous-frames", 0, "decode")).toBeDefined();
    expect(term(tpp(), "previous-frames", 4, "decode")).toBeUndefined();
    // after clip 0's online decode the rollout goes on beside it
    expect(term(single({ numClip: 2, enableOnlineDecode: true }), "previous-frames")!.value).toBe(frames);
    expect(term(single({ numClip: 2 }), "previous-frames")).toBeUndefined();
  });
  it("t5.py ~441–445: T5 is built in fp32 on the CPU in every process at once (TPP: 5 × ~21 GiB at load)", () => {
    const t5 = hostTerm(tpp(), "load", "host-t5-load")!;
    expect(t5.value).toBe(5 * profile.textEncoderParams * 4);
    expect(t5.value / GIB).toBeGreaterThan(100);
    expect(tpp().hostRamPeakPhase).toBe("load");
  });
  it("P1 ~155–162: --dit_fsdp holds the whole bf16 DiT on the CPU in every process while loading", () => {
    const fsdp = tpp({}, { ditFsdp: true });
    expect(hostTerm(fsdp, "load", "host-dit-fsdp-load")!.value).toBe(5 * ditWeightBytes(profile, false));
    expect(fsdp.hostRamBytes).toBeGreaterThan(tpp().hostRamBytes);
  });
  it("P5: the VAE rank moves its DiT to the CPU once, whatever the number of blocks", () => {
    const swap = (inferFrames: number) => tpp({ offloadModel: true, inferFrames }).speed.terms.find((t) => t.id === "vae-rank-swap")!.value;
    expect(swap(48)).toBeGreaterThan(0);
    expect(swap(96)).toBe(swap(48));
  });
});
