import { GPU_IDS, GPU_PRICES, resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { statusRank } from "../rule.ts";
import { measuredRun } from "../test-fixtures.ts";
import { RANK_COUNTS } from "./layouts.ts";
import { rank } from "./rank.ts";

const plan = resolvePlan({ params: { size: "720*400" } });
const rows = rank(plan);

describe("rank: every catalog GPU at 1, 2, 4, 5 and 8", () => {
  it("has one row per GPU and count, each in the layout upstream runs at that count", () => {
    expect(rows).toHaveLength(GPU_IDS.length * RANK_COUNTS.length);
    for (const row of rows) {
      expect(row.plan.hardware).toMatchObject({ gpu: row.gpu, count: row.count });
      expect(row.plan.parallel.mode).toBe(row.count === 1 ? "single" : "tpp");
      expect(row.isUpstreamLayout).toBe(row.count === 1 || row.count >= 5);
    }
  });
  it("counts upstream has no layout for are invalid and show no speed", () => {
    for (const row of rows.filter((r) => !r.isUpstreamLayout)) {
      expect(row.status).toBe("invalid");
      expect(row.speedShown).toBe("hidden");
      expect(row.dollarsPerVideoMinute).toBeNull();
    }
  });
  it("orders by verdict first, then by $ per minute of video, unpriced last", () => {
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(statusRank(a.status)).toBeLessThanOrEqual(statusRank(b.status));
      if (a.status === b.status && a.dollarsPerVideoMinute !== null && b.dollarsPerVideoMinute !== null) {
        expect(a.dollarsPerVideoMinute).toBeLessThanOrEqual(b.dollarsPerVideoMinute);
      }
      if (a.status === b.status && a.dollarsPerVideoMinute === null) expect(b.dollarsPerVideoMinute).toBeNull();
    }
  });
  it("answers 'cheapest card that runs 720*400': the first row runs and has the lowest $ per video minute of those that run", () => {
    const first = rows[0]!;
    expect(first.status).toBe("runs");
    const running = rows.filter((row) => row.status === "runs" && row.dollarsPerVideoMinute !== null);
    expect(Math.min(...running.map((row) => row.dollarsPerVideoMinute!))).toBe(first.dollarsPerVideoMinute);
  });
  it("answers 'what do 5 × H100 give me': the row prices 5 × RunPod's H100 SXM and carries an FPS range around its point", () => {
    const h100 = rows.find((row) => row.gpu === "h100-sxm" && row.count === 5)!;
    expect(h100.layout).toMatch(/TPP/);
    expect(h100.dollarsPerHour).toBeCloseTo(5 * GPU_PRICES["h100-sxm"]!.usdPerGpuHour, 9);
    expect(h100.fpsRange[0]).toBeLessThan(h100.fps);
    expect(h100.fpsRange[1]).toBeGreaterThan(h100.fps);
    expect(h100.dollarsPerVideoMinuteRange![0]).toBeLessThan(h100.dollarsPerVideoMinute!);
  });
  it("an out-of-memory row shows speed only as 'if it fit' and no cost per video minute", () => {
    const oom = rows.find((row) => row.status === "out-of-memory")!;
    expect(oom.speedShown).toBe("if-it-fit");
    expect(oom.dollarsPerVideoMinute).toBeNull();
  });
  it("by fps: fastest first within a verdict", () => {
    const fastest = rank(plan, { by: "fps" });
    const runs = fastest.filter((row) => row.status === fastest[0]!.status);
    for (let i = 1; i < runs.length; i++) expect(runs[i - 1]!.fps).toBeGreaterThanOrEqual(runs[i]!.fps);
  });
  it("keeps the plan's own parameters and TPP settings", () => {
    const fsdp = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "384*256", t5Cpu: true }, parallel: { ditFsdp: true } });
    const row = rank(fsdp).find((r) => r.gpu === "h200" && r.count === 8)!;
    expect(row.plan.params).toMatchObject({ size: "384*256", t5Cpu: true, offloadModel: false });
    expect(row.plan.parallel.ditFsdp).toBe(true);
    // From TPP to one GPU: the single-GPU script's layout, offload_model True as that script sets it.
    const one = rank(fsdp).find((r) => r.gpu === "h200" && r.count === 1)!;
    expect(one.plan.parallel).toMatchObject({ mode: "single", ditFsdp: false });
    expect(one.plan.params.offloadModel).toBe(true);
  });
  it("a row whose plan a committed run measured out of memory is risky and sorts after every row that runs", () => {
    const h100 = rows.find((row) => row.gpu === "h100-sxm" && row.count === 5)!;
    const judged = rank(plan, { measured: [measuredRun(h100.plan, false)] });
    const row = judged.find((r) => r.gpu === "h100-sxm" && r.count === 5)!;
    expect(row.status).toBe("risky");
    const index = judged.indexOf(row);
    expect(judged.slice(0, index).every((r) => statusRank(r.status) <= statusRank("risky"))).toBe(true);
    expect(judged.slice(index).some((r) => r.status === "runs")).toBe(false);
  });
});
