import { resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { planFlags } from "./plan-flags";

describe("planFlags", () => {
  it("shows nothing for the launch script's own plan", () => {
    expect(planFlags(resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 } }))).toEqual([]);
  });
  it("names what differs from the script for that GPU count, upstream spelling, in the form's order", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { offloadModel: true, sampleSteps: 8, loadLora: false, t5Cpu: true }, parallel: { fsdpCpuOffload: true } });
    expect(planFlags(plan)).toEqual(["sample_steps 8", "offload_model", "t5_cpu", "no load_lora", "fsdp_cpu_offload", "host_ram_gb 128"]);
  });
  it("leaves out what the title already says (GPU, count, size, clips, mode, fp8)", () => {
    expect(planFlags(resolvePlan({ hardware: { gpu: "h200", count: 1 }, params: { size: "720*400", numClip: 3, fp8: false } }))).toEqual([]);
  });
});
