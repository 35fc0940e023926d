import { resolvePlan, PLAN_FIELDS } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { clipsForAudio, hardwareFromHost, readField, withGpuCount, writeField } from "./plan-edit.ts";

const field = (flag: string) => PLAN_FIELDS.find((candidate) => candidate.flag === flag)!;

describe("plan editing", () => {
  it("reads and writes a field by its flag", () => {
    const plan = writeField(resolvePlan(), field("num_clip"), 100);
    expect(readField(plan, field("num_clip"))).toBe(100);
  });
  it("takes the launch script's layout when the GPU count crosses 1", () => {
    const five = withGpuCount(resolvePlan(), 5);
    expect(five.parallel.mode).toBe("tpp");
    expect(five.params.offloadModel).toBe(false);
    expect(withGpuCount(five, 1).parallel.mode).toBe("single");
  });
  it("turns a host's inventory into hardware", () => {
    const gpu = { index: 0, name: "NVIDIA GeForce RTX 4090", busId: null, totalBytes: 25.3e9, freeBytes: 25e9, usedBytes: 0, reservedBytes: null, driverVersion: "550", pcieWidth: 16, pcieGen: 4 };
    const plan = hardwareFromHost(resolvePlan(), "box", { gpus: [0, 1, 2, 3, 4].map((index) => ({ ...gpu, index })), links: [{ a: 0, b: 1, kind: "PHB", label: "PHB", nvlinks: null }], hostRam: { totalBytes: 256e9, availableBytes: 200e9 }, cudaVersion: "12.4", warnings: [] });
    expect(plan.hardware).toMatchObject({ gpu: "rtx-4090", count: 5, hostRamGb: 256, gpuTopology: "PHB" });
    expect(plan.parallel.mode).toBe("tpp");
    const unmeasured = hardwareFromHost(resolvePlan(), "box", { gpus: [gpu], links: [], hostRam: null, cudaVersion: "12.4", warnings: [] });
    expect(unmeasured.hardware.hostRamGb).toBeNull();
  });
  it("starts with no host RAM and no image (not given), and an empty field clears them again", () => {
    const plan = resolvePlan();
    expect([readField(plan, field("host_ram_gb")), readField(plan, field("image_size"))]).toEqual([null, null]);
    const given = writeField(writeField(plan, field("host_ram_gb"), 64), field("image_size"), "1080*1920");
    expect(given).toMatchObject({ hardware: { hostRamGb: 64 }, params: { imageSize: "1080*1920" } });
    expect(writeField(given, field("host_ram_gb"), null).hardware.hostRamGb).toBeNull();
    expect(field("host_ram_gb").isOptional).toBe(true);
  });
  it("counts the clips an audio file needs", () => {
    expect(clipsForAudio(10, 48)).toBe(6);
    expect(clipsForAudio(1.92, 48)).toBe(1);
  });
});
