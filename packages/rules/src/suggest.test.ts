import { applyPatch, estimate, GPU_IDS, Plan, resolvePlan, SUPPORTED_SIZES, type PlanInput } from "@headroom/estimator";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { evaluate } from "./evaluate.ts";
import { suggest, SUGGESTION_GROUPS, type Suggestion } from "./suggest.ts";
import { WARNING_DISTANCE } from "./suggest/pick.ts";
import { measuredRun } from "./test-fixtures.ts";

const FEASIBLE = ["runs", "runs-slowly", "tight", "risky"];
const FR21 = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });

const expectSound = (original: Plan, suggestion: Suggestion): void => {
  expect(Plan.safeParse(suggestion.plan).success).toBe(true);
  expect(applyPatch(original, suggestion.patch)).toEqual(suggestion.plan);
  expect(suggestion.changes.length).toBeGreaterThan(0);
  expect(suggestion.tags.length).toBeGreaterThan(0);
  const verdict = evaluate(suggestion.plan, estimate(suggestion.plan));
  expect(FEASIBLE).toContain(verdict.status);
  expect(verdict).toEqual(suggestion.verdict);
};

describe("suggest", () => {
  test("5 × RTX 4090 at 704*384, num_clip 100 (FR-21) gets a plan that runs on RTX 4090s", () => {
    const suggestions = suggest(FR21);
    const on4090 = suggestions.filter((s) => s.plan.hardware.gpu === "rtx-4090");
    expect(on4090.length).toBeGreaterThan(0);
    expect(on4090[0]?.tags).toContain("nearest");
    for (const suggestion of suggestions) expectSound(FR21, suggestion);
  });

  test("the same plan gives the same suggestions", () => {
    expect(suggest(FR21)).toEqual(suggest(FR21));
  });

  test("nearest first, at most `limit` safe ones and the nearest risky one, one fastest and one cheapest", () => {
    const suggestions = suggest(FR21, { limit: 2 });
    const nearest = suggestions.filter((s) => s.tags.includes("nearest"));
    const safe = nearest.filter((s) => s.verdict.status !== "risky");
    expect(safe.length).toBe(2);
    expect(nearest.length - safe.length).toBeLessThanOrEqual(1);
    expect(safe[0]!.distance).toBeLessThanOrEqual(safe[1]!.distance);
    expect(suggestions.filter((s) => s.tags.includes("fastest")).length).toBe(1);
    expect(suggestions.filter((s) => s.tags.includes("cheapest")).length).toBe(1);
  });

  test("listed by group (flags only, then other hardware), ranks ascending in each; a plan without risky findings ranks first", () => {
    const suggestions = suggest(FR21);
    const groups = suggestions.map((s) => s.group);
    expect(groups).toEqual([...groups].sort((a, b) => SUGGESTION_GROUPS.indexOf(a) - SUGGESTION_GROUPS.indexOf(b)));
    for (const group of SUGGESTION_GROUPS) {
      const ranks = suggestions.filter((s) => s.group === group).map((s) => s.rank);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
    const riskyRanks = suggestions.filter((s) => s.verdict.status === "risky").map((s) => s.rank);
    const safeRanks = suggestions.filter((s) => s.verdict.status !== "risky").map((s) => s.rank);
    // FR-21's nearest on its own 4090s adds --dit_fsdp under TPP: an inferred stall, so risky and ranked after every safe plan.
    expect(riskyRanks.length).toBeGreaterThan(0);
    expect(Math.min(...riskyRanks)).toBeGreaterThan(Math.max(...safeRanks));
  });

  test("a suggestion that changes hardware says each change in words; one that changes flags only says none", () => {
    for (const s of suggest(FR21)) {
      expect(s.group).toBe(s.hardwareChanges.length === 0 ? "same-hardware" : "different-hardware");
      expect(s.flagChanges.every((change) => s.changes.includes(change))).toBe(true);
      expect(s.flagChanges.some((change) => /^(gpu|count|host_ram_gb|host_link|gpu_topology):/.test(change))).toBe(false);
      const countChanged = s.plan.hardware.count !== FR21.hardware.count;
      expect(s.hardwareChanges.includes(`GPU count ${FR21.hardware.count} → ${s.plan.hardware.count}`)).toBe(countChanged);
      const gpuChanged = s.plan.hardware.gpu !== FR21.hardware.gpu;
      expect(s.hardwareChanges.includes(`GPU model ${FR21.hardware.gpu} → ${s.plan.hardware.gpu}`)).toBe(gpuChanged);
    }
  });

  test("cheapest rests on the price table: the lowest $ per minute of video among priced plans, never an unpriced one", () => {
    const suggestions = suggest(FR21);
    const cheapest = suggestions.find((s) => s.tags.includes("cheapest"));
    expect(cheapest?.dollarsPerVideoMinute).toBeGreaterThan(0);
    for (const s of suggestions) {
      if (s.verdict.status === "risky" || s.dollarsPerVideoMinute === null) continue;
      expect(s.dollarsPerVideoMinute).toBeGreaterThanOrEqual(cheapest!.dollarsPerVideoMinute!);
    }
    // The RTX 5090 has no price (gpu-prices.ts): a search that only finds 5090 plans tags none cheapest.
    const on5090 = resolvePlan({ hardware: { gpu: "rtx-5090", count: 1 }, params: { size: "384*256" } });
    for (const s of suggest(on5090)) {
      if (s.plan.hardware.gpu === "rtx-5090") expect(s.dollarsPerVideoMinute).toBeNull();
      if (s.tags.includes("cheapest")) expect(s.dollarsPerVideoMinute).not.toBeNull();
    }
  });

  test("a suggestion a committed run measured out of memory is risky and names the run", () => {
    const nearest = suggest(FR21).find((s) => s.group === "same-hardware")!;
    const run = measuredRun({ hardware: nearest.plan.hardware, params: nearest.plan.params, parallel: nearest.plan.parallel }, false, ["measured in bf16, the plan asks bf16+fp8"]);
    const again = suggest(FR21, { measured: [run] }).find((s) => JSON.stringify(s.plan) === JSON.stringify(nearest.plan));
    expect(again?.verdict.status).toBe("risky");
    expect(again?.verdict.findings.map((f) => f.ruleId)).toContain("measured/oom-of-this-plan");
  });

  test("changes read in upstream flag names", () => {
    const [first] = suggest(FR21);
    for (const change of first?.changes ?? []) expect(change).toMatch(/^[a-z0-9_]+: .+ → .+$/);
  });

  test("a plan that already runs gets no nearest list, only faster or cheaper hardware", () => {
    const plan = resolvePlan({ hardware: { gpu: "h200", count: 1 } });
    expect(evaluate(plan, estimate(plan)).status).toBe("runs");
    const suggestions = suggest(plan);
    expect(suggestions.some((s) => s.tags.includes("nearest"))).toBe(false);
    for (const suggestion of suggestions) expectSound(plan, suggestion);
  });

  test("an invalid plan (3 GPUs, fp16, odd size) is repaired into valid ones", () => {
    const plan = resolvePlan({ hardware: { gpu: "a100-40gb", count: 3 }, params: { precision: "fp16", size: "700*400" } });
    const suggestions = suggest(plan);
    expect(suggestions.length).toBeGreaterThan(0);
    for (const suggestion of suggestions) expectSound(plan, suggestion);
  });

  test("a host that is short of RAM gets the next common RAM size", () => {
    const plan = resolvePlan({ hardware: { gpu: "h100-sxm", hostRamGb: 16 } });
    expect(evaluate(plan, estimate(plan)).status).toBe("out-of-memory");
    const [first] = suggest(plan);
    expect(first?.changes).toHaveLength(1);
    expect(first?.changes[0]).toMatch(/^host_ram_gb: 16 → \d+$/);
    expect(first?.group).toBe("different-hardware");
    expect(first?.hardwareChanges).toEqual([expect.stringMatching(/^host RAM raised from 16 GB to \d+ GB \([\d.]+ GiB\)$/)]);
    const warnings = first?.verdict.findings.filter((finding) => finding.severity === "warning").length ?? 0;
    expect(first?.distance).toBe(5 + WARNING_DISTANCE * warnings);
  });

  test("a plan that gives no host RAM keeps none: no host size is invented for it or its suggestions", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { fp8: false } });
    expect(plan.hardware.hostRamGb).toBeNull();
    expect(evaluate(plan, estimate(plan)).findings.map((finding) => finding.ruleId)).not.toContain("hardware/host-ram-exceeded");
    const suggestions = suggest(plan);
    expect(suggestions.length).toBeGreaterThan(0);
    for (const suggestion of suggestions) {
      expect(suggestion.plan.hardware.hostRamGb).toBeNull();
      expect(suggestion.changes.join(" ")).not.toContain("host_ram_gb");
    }
  });

  test("a custom GPU plan gets sound suggestions, and catalog GPUs drop the custom spec", () => {
    const plan = resolvePlan({ hardware: { gpu: "custom", custom: { name: "lab card", vramGib: 32, bf16Tflops: 200, memoryBandwidthGbPerS: 1000 } } });
    const suggestions = suggest(plan);
    expect(suggestions.length).toBeGreaterThan(0);
    for (const suggestion of suggestions) {
      expectSound(plan, suggestion);
      if (suggestion.plan.hardware.gpu !== "custom") expect(suggestion.plan.hardware.custom).toBeNull();
    }
  });
});

const planInput = fc.record({
  gpu: fc.constantFrom(...GPU_IDS),
  count: fc.constantFrom(1, 2, 4, 5, 6),
  size: fc.constantFrom(...SUPPORTED_SIZES, "700*400"),
  numClip: fc.constantFrom(1, 10, 100, 10000),
  inferFrames: fc.constantFrom(24, 48, 80),
  fp8: fc.boolean(),
  offloadModel: fc.boolean(),
  offloadKvCache: fc.boolean(),
  t5Cpu: fc.boolean(),
  enableOnlineDecode: fc.boolean(),
  ditFsdp: fc.boolean(),
  precision: fc.constantFrom("bf16", "fp16"),
  hostRamGb: fc.constantFrom(64, 128, 256, null),
});

const toPlan = (r: typeof planInput extends fc.Arbitrary<infer T> ? T : never): Plan => {
  const input: PlanInput = {
    hardware: { gpu: r.gpu, count: r.count, hostRamGb: r.hostRamGb },
    params: { size: r.size, numClip: r.numClip, inferFrames: r.inferFrames, fp8: r.fp8, offloadModel: r.offloadModel, offloadKvCache: r.offloadKvCache, t5Cpu: r.t5Cpu, enableOnlineDecode: r.enableOnlineDecode, precision: r.precision },
    parallel: { ditFsdp: r.ditFsdp },
  };
  return resolvePlan(input);
};

describe("suggest properties", () => {
  test("every suggestion is a valid plan whose own verdict fits", () => {
    fc.assert(
      fc.property(planInput, (r) => {
        const plan = toPlan(r);
        for (const suggestion of suggest(plan)) {
          expectSound(plan, suggestion);
          if (suggestion.tags.includes("cheapest")) expect(suggestion.dollarsPerVideoMinute).not.toBeNull();
        }
      }),
      { numRuns: 50, seed: 20261126 },
    );
  });

  test("deterministic for any plan", () => {
    fc.assert(
      fc.property(planInput, (r) => {
        const plan = toPlan(r);
        expect(suggest(plan)).toEqual(suggest(plan));
      }),
      { numRuns: 15, seed: 7 },
    );
  });
});
