import { estimate, formatGib, GB, GIB, resolvePlan, type Estimate, type PlanInput } from "@headroom/estimator";
import { afterAll, describe, expect, test } from "vitest";
import { evaluate, type Verdict } from "./evaluate.ts";
import type { VerdictStatus } from "./rule.ts";

/**
 * The field report's observations (FR-7..FR-16, FR-22..FR-26) as Plans. Where the report and the source
 * disagree, the expected verdict follows the source and a finding must cite both; every row prints the
 * report's number beside Headroom's.
 */
type Row = {
  id: string;
  plan: PlanInput;
  reported: string;
  status: VerdictStatus;
  cites?: string[];
  check?: (est: Estimate, verdict: Verdict) => void;
};

const BOX: PlanInput["hardware"] = { gpu: "rtx-4090", count: 5, hostRamGb: 128, hostLink: "pcie4-x16" };
const ONE_4090: PlanInput["hardware"] = { gpu: "rtx-4090", count: 1, hostRamGb: 128 };
const FR21 = { size: "704*384", numClip: 100 };
/** The report's v1.0 FSDP launch: --dit_fsdp --t5_fsdp, bf16 (v1.0 had no --fp8). */
const V10_FSDP = { ditFsdp: true, t5Fsdp: true };
const SOURCE_FSDP = "liveavatar.md: distributed/fsdp.py wraps each transformer block";
const SOURCE_CLIPS = "liveavatar.md: causal_s2v_pipeline.py clip_outputs.append(...cpu())";
const peak = (est: Estimate) => Math.max(...est.gpus.map((gpu) => gpu.peakBytes));
const citesAll = (verdict: Verdict, cites: string[]) => verdict.findings.some((f) => cites.every((cite) => f.cites.includes(cite)));

const ROWS: Row[] = [
  { id: "FR-7", plan: { hardware: BOX, params: FR21 }, reported: "OOM at FSDP unshard; 22.0 GB steady, 25.8 GB peak", status: "out-of-memory" },
  { id: "FR-8", plan: { hardware: BOX, params: { ...FR21, size: "384*256" } }, reported: "384*256: 24.3 GB peak, OOM", status: "out-of-memory" },
  {
    id: "FR-9",
    plan: { hardware: BOX, params: { ...FR21, numClip: 10 } },
    reported: "num_clip 10 removed the OOM",
    status: "out-of-memory",
    cites: ["FR-9", SOURCE_CLIPS],
    check: (est) => expect(peak(est)).toBe(peak(estimate(resolvePlan({ hardware: BOX, params: FR21 })))),
  },
  {
    id: "FR-10",
    plan: { hardware: BOX, params: { ...FR21, enableOnlineDecode: true } },
    reported: "online decode: no help at unshard",
    status: "out-of-memory",
    check: (est) => expect(est.gpus[est.worstRank]?.peakPhase).not.toBe("decode"),
  },
  { id: "FR-11", plan: { hardware: BOX, params: { ...FR21, precision: "fp16" } }, reported: "--fp16 loads, then NaN / dtype error", status: "invalid", cites: ["FR-11"] },
  {
    // The report ran this at 18 GB per card. FSDP keeps its root unit (audio injectors + embeddings, 4.17 GiB)
    // unsharded and fragments ~9 % (measured on 2 ranks), so the source and the measurement put it over 24 GB.
    // Host RAM: with --dit_fsdp every process holds the whole bf16 DiT on the CPU before sharding (P1 ~155–162), beside
    // its T5: 5 × 44 GB at start-up, past the report's 128 GB box and near FR-19's own "≥ 256 GB with CPU offload".
    id: "FR-12",
    plan: { hardware: BOX, params: { ...FR21, fp8: false }, parallel: { ...V10_FSDP, fsdpCpuOffload: true } },
    reported: "FSDP CPU offload: 18 GB per card, 0.03 FPS",
    status: "out-of-memory",
    cites: ["FR-12"],
    check: (est) => {
      expect(est.hostRamPeakPhase).toBe("load");
      expect(est.hostRamBytes).toBeGreaterThan(128 * GB);
      expect(est.hostRamBytes).toBeLessThan(256 * GB);
    },
  },
  {
    id: "FR-4/FR-13",
    plan: { hardware: BOX, params: { ...FR21, fp8: false }, parallel: V10_FSDP },
    reported: "every forward unshards the whole model: +4.17 GB",
    status: "out-of-memory",
    cites: ["FR-4", "FR-13", SOURCE_FSDP],
    check: (est) => {
      const denoise = est.gpus[0]?.phases.find((p) => p.phase === "denoise")?.terms ?? [];
      expect(denoise.find((t) => t.id === "fsdp-gather")?.value).toBeLessThan(1 * GB);
      // The report's +4.17 GB is the root unit, not the model.
      expect((denoise.find((t) => t.id === "fsdp-root-unit")?.value ?? 0) / GIB).toBeCloseTo(4.17, 1);
    },
  },
  {
    id: "FR-13 (report's picture)",
    plan: { hardware: BOX, params: { ...FR21, fp8: false }, parallel: { ...V10_FSDP, fsdpWrap: "model" } },
    reported: "whole-model unshard → OOM",
    status: "out-of-memory",
  },
  { id: "FR-14", plan: { hardware: { gpu: "h100-sxm", count: 1 } }, reported: "one 80 GB GPU runs 704*384 at 1.2–1.5 FPS", status: "runs", cites: ["FR-14"] },
  { id: "FR-14 (A100)", plan: { hardware: { gpu: "a100-80gb", count: 1 } }, reported: "A100 80GB: full support", status: "invalid", cites: ["liveavatar/utils/fp8_linear.py: torch._scaled_mm"] },
  {
    id: "FR-15",
    plan: { hardware: ONE_4090, params: { offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } },
    reported: "CPU offload on one 4090 at 704*384: 17.2 GB, 0.07 FPS, 92 GB RAM",
    status: "out-of-memory",
    cites: ["FR-15"],
  },
  {
    // Measured with LiveAvatar's own code on an H100 capped at 23.65 GiB: fits, 22.21 GiB held with upstream's kernels
    // outside the allocator counted (data/measurements/upstream-384x256-if12-q8cpu-offloadkv-t5cpu-eager-cap24.json).
    id: "FR-15 (as the source allows)",
    plan: { hardware: ONE_4090, params: { size: "384*256", inferFrames: 12, offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } },
    reported: "17.2 GB, 0.07 FPS, 92 GB RAM",
    status: "runs-slowly",
    check: (est) => {
      expect(est.hostRamBytes / GB).toBeGreaterThan(92 * 0.5);
      expect(est.hostRamBytes / GB).toBeLessThan(92 * 1.5);
    },
  },
  {
    // Measured with upstream's code at 23.65 GiB: out of memory in denoise; with expandable segments it completed but the
    // device held 24.13 GiB, more than the card (upstream-384x256-q8cpu-offloadkv-t5cpu-*cap24*.json).
    id: "FR-15 (384*256, 48-frame clips)",
    plan: { hardware: ONE_4090, params: { size: "384*256", offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } },
    reported: "17.2 GB, 0.07 FPS, 92 GB RAM",
    status: "out-of-memory",
  },
  {
    // Measured: out of memory in decode at 23.65 GiB (data/measurements/rtx4090-704x384-if12-headline.json, probe 0.5.0,
    // its VAE under autocast as upstream's), and upstream's code ran out in denoise.
    id: "FR-15 (704*384, 12-frame clips)",
    plan: { hardware: ONE_4090, params: { inferFrames: 12, offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } },
    reported: "CPU offload on one 4090 runs at reduced speed, 92 GB RAM",
    status: "out-of-memory",
  },
  { id: "FR-16", plan: { hardware: { gpu: "rtx-4090", count: 4 }, params: { size: "384*256", numClip: 5 } }, reported: "4-GPU mode low-res preview", status: "invalid" },
  { id: "FR-22", plan: { hardware: { gpu: "h100-sxm", count: 1 }, params: { sampleSteps: 5, enableOnlineDecode: false } }, reported: "sample_steps 5 without online decode: long videos OOM", status: "invalid" },
  { id: "FR-23", plan: { hardware: BOX, params: { offloadModel: true }, parallel: { numGpusDit: 5 } }, reported: "offload_model + num_gpus_dit 5 conflict", status: "invalid", cites: ["FR-23"] },
  { id: "FR-24", plan: { hardware: BOX, params: { precision: "fp16", sampleGuideScale: 4.5 } }, reported: "fp16 + guidance overflows", status: "invalid", cites: ["FR-24"] },
  { id: "FR-26", plan: { hardware: { gpu: "rtx-4090", count: 4 }, params: { size: "384*256", numClip: 1, inferFrames: 12, sampleSteps: 1 } }, reported: "run_4gpu_tpp.sh smoke test", status: "invalid" },
];

const printed: string[] = [];
const gib = (bytes: number) => formatGib(bytes);

describe("golden table: the field report, expressed as plans", () => {
  test.each(ROWS.map((row) => [row.id, row] as const))("%s", (_, row) => {
    const plan = resolvePlan(row.plan);
    const est = estimate(plan);
    const verdict = evaluate(plan, est);
    printed.push(`${row.id.padEnd(30)} reported: ${row.reported}\n${"".padEnd(30)} Headroom: ${verdict.status}, peak ${gib(peak(est))} (${est.gpus[est.worstRank]?.peakPhase}), ${est.speed.fps.toFixed(2)} FPS, host ${gib(est.hostRamBytes)}`);
    expect(verdict.status).toBe(row.status);
    if (row.cites) expect(citesAll(verdict, row.cites)).toBe(true);
    row.check?.(est, verdict);
  });
  afterAll(() => console.log(`\nField report vs Headroom\n${printed.join("\n")}`));
});
