import { applyPatch, GIB } from "@headroom/estimator";
import { describe, expect, test } from "vitest";
import { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
import type { RuleContext } from "./rule.ts";
import { ctx, measuredRun } from "./test-fixtures.ts";

const FR21 = { hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } } as const;
const FSDP_FP8 = { hardware: { gpu: "rtx-4090", count: 5 }, params: { fp8: true, t5Cpu: true }, parallel: { ditFsdp: true } } as const;
const STAND_IN = ["measured in bf16, the plan asks bf16+fp8", "measured on 4 ranks, the plan has 5"];
const NOTE = { id: "FR-9", message: "num_clip moves host RAM", reported: "OOM", predicted: "flat", cites: ["FR-9"] };

/** Per rule: a context where it fires and one where it stays quiet. */
const CASES: Record<string, { fires: RuleContext; quiet: RuleContext }> = {
  "upstream/world-size": { fires: ctx({ hardware: { count: 3 } }), quiet: ctx({ hardware: { count: 5 } }) },
  "upstream/single-needs-one-gpu": { fires: ctx({ hardware: { count: 5 }, parallel: { mode: "single", numGpusDit: 1 } }), quiet: ctx({ hardware: { count: 1 } }) },
  "upstream/single-flags": { fires: ctx({ parallel: { ditFsdp: true } }), quiet: ctx() },
  "upstream/tpp-needs-five-gpus": { fires: ctx({ hardware: { count: 1 }, parallel: { mode: "tpp", numGpusDit: 4, enableVaeParallel: true } }), quiet: ctx({ hardware: { count: 5 } }) },
  "upstream/tpp-layout": { fires: ctx({ hardware: { count: 5 }, parallel: { numGpusDit: 5 } }), quiet: ctx({ hardware: { count: 5 } }) },
  "upstream/ulysses-unsupported": { fires: ctx({ hardware: { count: 5 }, parallel: { ulyssesSize: 2 } }), quiet: ctx({ hardware: { count: 5 } }) },
  "upstream/supported-size": { fires: ctx({ params: { size: "700*400" } }), quiet: ctx({ params: { size: "720*400" } }) },
  "upstream/tpp-idle-gpus": { fires: ctx({ hardware: { count: 8 } }), quiet: ctx({ hardware: { count: 5 } }) },
  "red-line/fr-21": { fires: ctx(FR21, { marginsGib: [-2, -2, -2, -2, 19], usableGib: 23.65 }), quiet: ctx(FR21, { marginsGib: [2, 2, 2, 2, 19], usableGib: 23.65 }) },
  "red-line/fr-21-source-disagrees": { fires: ctx(FR21, { marginsGib: [2, 2, 2, 2, 19], usableGib: 23.65 }), quiet: ctx(FR21, { marginsGib: [-2, -2, -2, -2, 19], usableGib: 23.65 }) },
  "red-line/fr-22": { fires: ctx({ params: { sampleSteps: 5 } }, { videoSeconds: 600 }), quiet: ctx({ params: { sampleSteps: 5, enableOnlineDecode: true } }, { videoSeconds: 600 }) },
  "red-line/fr-23": { fires: ctx({ hardware: { count: 5 }, params: { offloadModel: true } }), quiet: ctx({ hardware: { count: 5 } }) },
  "precision/fr-24": { fires: ctx({ params: { precision: "fp16", sampleGuideScale: 4.5 } }), quiet: ctx({ params: { precision: "fp16", sampleGuideScale: 0 } }) },
  "precision/fr-11": { fires: ctx({ params: { precision: "fp16" } }), quiet: ctx() },
  "field-report/fr-6": { fires: ctx({ params: { offloadModel: true } }), quiet: ctx({ params: { offloadModel: false } }) },
  "field-report/fr-12": { fires: ctx({ hardware: { count: 5 }, parallel: { ditFsdp: true, fsdpCpuOffload: true } }), quiet: ctx({ hardware: { count: 5 } }) },
  "memory/out-of-memory": { fires: ctx({}, { marginsGib: [-1] }), quiet: ctx({}, { marginsGib: [0.1] }) },
  "memory/tight": { fires: ctx({}, { marginsGib: [1] }), quiet: ctx({}, { marginsGib: [10] }) },
  "hardware/fr-17-vram": { fires: ctx({ hardware: { gpu: "rtx-4090" } }), quiet: ctx({ hardware: { gpu: "h100-sxm" } }) },
  "hardware/fr-18-topology": { fires: ctx({ hardware: { count: 5, gpuTopology: "NODE" } }), quiet: ctx({ hardware: { count: 1, gpuTopology: "NODE" } }) },
  "hardware/fr-19-host-ram": { fires: ctx({ hardware: { hostRamGb: 64 }, params: { offloadModel: false } }), quiet: ctx({ hardware: { hostRamGb: 128 }, params: { offloadModel: false } }) },
  "hardware/host-ram-exceeded": { fires: ctx({ hardware: { hostRamGb: 128 } }, { hostRamBytes: 140e9 }), quiet: ctx({ hardware: { hostRamGb: 128 } }, { hostRamBytes: 120e9 }) },
  "hardware/host-ram-needed": { fires: ctx({}, { hostRamBytes: 73 * 2 ** 30 }), quiet: ctx({ hardware: { hostRamGb: 64 } }, { hostRamBytes: 73 * 2 ** 30 }) },
  "hardware/host-ram-needed-past-common": { fires: ctx({}, { hostRamBytes: 140e9 }), quiet: ctx({}, { hostRamBytes: 120e9 }) },
  "hardware/fr-20-pcie-width": { fires: ctx({ hardware: { count: 5, hostLink: "pcie4-x8" } }), quiet: ctx({ hardware: { count: 5, hostLink: "pcie4-x16" } }) },
  "speed/slow": { fires: ctx({}, { fps: 0.07 }), quiet: ctx({}, { fps: 1.3 }) },
  "field-report/estimate-notes": { fires: ctx({}, { notes: [NOTE] }), quiet: ctx({}, { notes: [] }) },
  "source/sample-steps": { fires: ctx({ hardware: { count: 5 }, params: { sampleSteps: 3 } }), quiet: ctx({ hardware: { count: 5 }, params: { sampleSteps: 4 } }) },
  "source/fp8-needs-fp8-tensor-cores": { fires: ctx({ hardware: { gpu: "a100-80gb" }, params: { fp8: true } }), quiet: ctx({ hardware: { gpu: "h100-sxm" }, params: { fp8: true } }) },
  "source/cond-cache-capacity": { fires: ctx({ params: { size: "1280*720" } }), quiet: ctx({ params: { size: "704*384" } }) },
  "source/solver-euler-only": { fires: ctx({ params: { sampleSolver: "unipc" } }), quiet: ctx({ params: { sampleSolver: "euler" } }) },
  "source/tpp-fsdp-group": { fires: ctx({ hardware: { count: 5 }, parallel: { ditFsdp: true } }), quiet: ctx({ hardware: { count: 5 } }) },
  "source/fp8-under-fsdp": { fires: ctx({ hardware: { count: 5 }, params: { fp8: true }, parallel: { ditFsdp: true } }), quiet: ctx({ hardware: { count: 5 }, params: { fp8: false }, parallel: { ditFsdp: true } }) },
  "source/single-offload-model-false": { fires: ctx({ params: { offloadModel: false } }), quiet: ctx({ params: { offloadModel: true } }) },
  "source/kv-offload-single-only": { fires: ctx({ hardware: { count: 5 }, params: { offloadKvCache: true } }), quiet: ctx({ params: { offloadKvCache: true } }) },
  "source/guide-scale-unused": { fires: ctx({ params: { sampleGuideScale: 4.5 } }), quiet: ctx({ params: { sampleGuideScale: 0 } }) },
  "source/infer-frames-multiple-of-12": { fires: ctx({ params: { inferFrames: 80 } }), quiet: ctx({ params: { inferFrames: 48 } }) },
  "measured/oom-of-this-plan": {
    fires: ctx(FSDP_FP8, { marginsGib: [1, 1, 1, 1, 19], usableGib: 23.65 }, [measuredRun(FSDP_FP8, false, STAND_IN)]),
    quiet: ctx(FSDP_FP8, { marginsGib: [1, 1, 1, 1, 19], usableGib: 23.65 }, [measuredRun(FSDP_FP8, true), measuredRun({ ...FSDP_FP8, params: { fp8: false, t5Cpu: true } }, false)]),
  },
  "source/quantize-on-cpu-patch": { fires: ctx({ params: { quantizeOnCpu: true } }), quiet: ctx({ params: { quantizeOnCpu: false } }) },
};

const fired = (id: string, context: RuleContext): boolean => {
  const rule = LIVEAVATAR_RULES.find((candidate) => candidate.id === id);
  const result = rule?.check(context) ?? null;
  return Array.isArray(result) ? result.length > 0 : result !== null;
};

describe("LiveAvatar rule pack", () => {
  test("every rule has a case, and ids are unique", () => {
    const ids = LIVEAVATAR_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
  });

  test.each(Object.entries(CASES))("%s fires on its failing case and not on its passing one", (id, { fires, quiet }) => {
    expect(fired(id, fires)).toBe(true);
    expect(fired(id, quiet)).toBe(false);
  });

  test.each(LIVEAVATAR_RULES.filter((rule) => rule.implies === "invalid").map((rule) => [rule.id, rule] as const))(
    "%s: each fix of an invalid plan clears the finding",
    (id, rule) => {
      const context = CASES[id]!.fires;
      const fixes = rule.fixes?.(context) ?? [];
      expect(fixes.length).toBeGreaterThan(0);
      for (const fix of fixes) expect(rule.check({ ...context, plan: applyPatch(context.plan, fix.patch) })).toBeNull();
    },
  );

  test("errors imply a failing status, info never changes it", () => {
    for (const rule of LIVEAVATAR_RULES) {
      if (rule.severity === "error") expect(["invalid", "out-of-memory"]).toContain(rule.implies);
      if (rule.severity === "info") expect(rule.implies).toBe("runs");
    }
  });

  test("every rule cites a source", () => {
    for (const rule of LIVEAVATAR_RULES.filter((r) => r.id !== "field-report/estimate-notes")) expect(rule.cites.length).toBeGreaterThan(0);
  });

  test("the FR-21 source note cites the field report and the source", () => {
    const result = LIVEAVATAR_RULES.find((r) => r.id === "red-line/fr-21-source-disagrees")?.cites;
    expect(result).toEqual(expect.arrayContaining(["FR-21", "liveavatar.md"]));
  });

  test("host RAM not given: what the run needs, by the host_ram_gb field, never an out-of-memory", () => {
    const needed = LIVEAVATAR_RULES.find((r) => r.id === "hardware/host-ram-needed")!;
    const past = LIVEAVATAR_RULES.find((r) => r.id === "hardware/host-ram-needed-past-common")!;
    expect(needed.check(ctx({}, { hostRamBytes: 73 * 2 ** 30 }))).toEqual({ message: "the run needs 73.0 GiB of host RAM; give host_ram_gb to check it", path: ["hardware", "hostRamGb"] });
    expect(past.check(ctx({}, { hostRamBytes: 140e9 }))).toMatchObject({ message: expect.stringMatching(/needs 130.4 GiB of host RAM, past common hosts of 128 GB \(119.2 GiB\); give host_ram_gb/), path: ["hardware", "hostRamGb"] });
    expect(fired("hardware/host-ram-needed-past-common", ctx({}, { hostRamBytes: 120e9 }))).toBe(false);
    expect(fired("hardware/host-ram-needed", ctx({}, { hostRamBytes: 140e9 }))).toBe(false);
    expect([needed.severity, past.severity, needed.implies, past.implies]).toEqual(["info", "warning", "runs", "runs"]);
    expect(fired("hardware/host-ram-exceeded", ctx({}, { hostRamBytes: 1000e9 }))).toBe(false);
    expect(fired("hardware/fr-19-host-ram", ctx({ params: { offloadModel: true } }))).toBe(false);
  });

  test("risky rules are warnings, each says why the plan likely fails", () => {
    const risky = LIVEAVATAR_RULES.filter((rule) => rule.implies === "risky").map((rule) => rule.id);
    expect(risky.sort()).toEqual(["measured/oom-of-this-plan", "red-line/fr-22", "source/fp8-under-fsdp", "source/single-offload-model-false", "source/tpp-fsdp-group"]);
    for (const id of risky) expect(LIVEAVATAR_RULES.find((rule) => rule.id === id)?.severity).toBe("warning");
  });

  test("a measured OOM of this plan names the run and how it stood in; an estimate already OOM leaves it quiet", () => {
    const rule = LIVEAVATAR_RULES.find((r) => r.id === "measured/oom-of-this-plan")!;
    const run = measuredRun(FSDP_FP8, false, STAND_IN);
    expect(rule.check(ctx(FSDP_FP8, { marginsGib: [1, 1, 1, 1, 19], usableGib: 23.65 }, [run]))).toEqual([
      { message: `a probe run of this plan ran out of memory at load (a stand-in: ${STAND_IN.join("; ")})`, path: [], cites: ["data/measurements/test-run.json"] },
    ]);
    // num_clip moves host RAM only: the run still measured this plan's GPUs.
    expect(fired("measured/oom-of-this-plan", ctx({ ...FSDP_FP8, params: { ...FSDP_FP8.params, numClip: 10 } }, { marginsGib: [1] }, [run]))).toBe(true);
    expect(fired("measured/oom-of-this-plan", ctx(FSDP_FP8, { marginsGib: [-1] }, [run]))).toBe(false);
    expect(fired("measured/oom-of-this-plan", ctx(FSDP_FP8, { marginsGib: [1] }))).toBe(false);
    // compile moves no peak (upstream's compiled and eager runs: 60.10 and 60.02 GiB); no audio length = the default 60 s
    expect(fired("measured/oom-of-this-plan", ctx({ ...FSDP_FP8, params: { ...FSDP_FP8.params, enableCompile: false } }, { marginsGib: [1] }, [run]))).toBe(true);
    const at60 = measuredRun({ ...FSDP_FP8, params: { ...FSDP_FP8.params, audioSeconds: 60 } }, false);
    expect(fired("measured/oom-of-this-plan", ctx(FSDP_FP8, { marginsGib: [1] }, [at60]))).toBe(true);
    const at600 = measuredRun({ ...FSDP_FP8, params: { ...FSDP_FP8.params, audioSeconds: 600 } }, false);
    expect(fired("measured/oom-of-this-plan", ctx(FSDP_FP8, { marginsGib: [1] }, [at600]))).toBe(false);
    // LiveAvatar's own code is named as such
    const upstreamRun = { ...run, comparison: { ...run.comparison, instrument: "upstream" as const } };
    expect(rule.check(ctx(FSDP_FP8, { marginsGib: [1] }, [upstreamRun]))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^LiveAvatar's own code \(upstream @9c2c38d, random weights\) running this plan ran out of memory at load/) }),
    ]);
    // a run that completed under its cap but held more than the card says so, not "ran out at an unknown phase"
    const overCard = { ...upstreamRun, comparison: { ...upstreamRun.comparison, measuredOomPhase: null, overCapBytes: 0.48 * GIB } };
    expect(rule.check(ctx(FSDP_FP8, { marginsGib: [1] }, [overCard]))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/completed under its cap but held 0\.48 GiB more than the card/) }),
    ]);
  });

  test("the size fix keeps the orientation", () => {
    const rule = LIVEAVATAR_RULES.find((r) => r.id === "upstream/supported-size")!;
    expect(rule.fixes?.(ctx({ params: { size: "400*704" } }))[0]?.patch.params?.size).toBe("480*832");
    expect(rule.fixes?.(ctx({ params: { size: "700*380" } }))[0]?.patch.params?.size).toBe("704*384");
  });
});
