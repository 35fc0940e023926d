import { describe, expect, it } from "vitest";
import type { Emulation, Measurement } from "./calibration.ts";
import { resolvePlan } from "./defaults.ts";
import { measuredRunsFrom, nearestMeasurements } from "./nearest-measurements.ts";
import { standInOf } from "./stand-in.ts";
import { GIB } from "./units.ts";

/** The two kinds of stand-in committed under data/measurements (tpp5-rtx4090-704x384-c100-*.json), as their emulation says. */
const FSDP = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { size: "704*384", numClip: 100, fp8: true, t5Cpu: true }, parallel: { ditFsdp: true } });
const BF16_ON_FOUR: Emulation = {
  processes: 4, gpus: 4, sharedGpus: [], ranksWithoutNccl: [], differences: [],
  plan: { ...FSDP, params: { ...FSDP.params, fp8: false }, hardware: { ...FSDP.hardware, count: 4 }, parallel: { ...FSDP.parallel, enableVaeParallel: false } },
};
const TPP = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });
const SHARED: Emulation = { processes: 5, gpus: 4, sharedGpus: [{ gpu: 0, ranks: [0, 4] }], ranksWithoutNccl: [4], differences: [] };

const oomRun = (plan: Measurement["plan"], emulation: Emulation): Measurement => ({
  id: "fsdp", instrument: { kind: "probe" }, command: "probe.py", date: "2026-11-27", gpu: "NVIDIA H200", torchVersion: "2.11", capBytes: 23.65 * GIB, plan, emulation,
  ranks: [{ rank: 0, fits: false, oomPhase: "load", phases: {} }],
});

describe("standInOf", () => {
  it("a run of the plan as written stood in for nothing", () => {
    expect(standInOf({ plan: resolvePlan({ hardware: { gpu: "h100-sxm" } }) })).toEqual([]);
  });

  it("FR-21's FSDP plan measured in bf16 on 4 ranks says both (the issue-14 card)", () => {
    expect(standInOf({ plan: FSDP, emulation: BF16_ON_FOUR })).toEqual(["measured in bf16, the plan asks bf16+fp8", "measured on 4 ranks, the plan has 5"]);
  });

  it("ranks that shared a GPU say which", () => {
    expect(standInOf({ plan: TPP, emulation: SHARED })).toEqual(["ranks 0 and 4 shared GPU 0"]);
  });

  it("any other flag the probe ran differently is named with the plan's value", () => {
    const emulation = { ...SHARED, plan: { ...TPP, params: { ...TPP.params, inferFrames: 12 } } };
    expect(standInOf({ plan: TPP, emulation })).toContain("measured with --infer_frames 12, the plan has 48");
  });

  it("travels with the run to its card and its summary", () => {
    const [neighbour] = nearestMeasurements(FSDP, measuredRunsFrom([{ name: "fsdp.json", json: oomRun(FSDP, BF16_ON_FOUR) }]));
    expect(neighbour?.standIn).toEqual(["measured in bf16, the plan asks bf16+fp8", "measured on 4 ranks, the plan has 5"]);
    expect(neighbour?.summary).toMatch(/\(stand-in: measured in bf16, the plan asks bf16\+fp8; measured on 4 ranks, the plan has 5\)$/);
  });
});
