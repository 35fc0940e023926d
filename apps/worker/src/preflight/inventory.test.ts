import { describe, expect, it } from "vitest";
import { catalogGpuId, resolvePlan } from "@headroom/estimator";
import { capture, HOST_CAPTURES } from "./captures.ts";
import { hostCanRun } from "./gpu-match.ts";
import { buildInventory } from "./inventory.ts";

const MIB = 1024 * 1024;

const h200x2 = HOST_CAPTURES.h200x2();

describe("buildInventory", () => {
  it("joins the captured outputs of the 2 × H200 host", () => {
    const inv = buildInventory(h200x2);
    expect(inv.warnings).toEqual([]);
    expect(inv.cudaVersion).toBe("13.0");
    expect(inv.gpus[1]).toEqual({
      index: 1, name: "NVIDIA H200", busId: "00000000:00:07.0", totalBytes: 143771 * MIB, freeBytes: 143156 * MIB,
      usedBytes: 0, reservedBytes: 616 * MIB, driverVersion: "580.159.04", pcieWidth: 16, pcieGen: 5,
    });
    expect(inv.links).toEqual([{ a: 0, b: 1, kind: "NV", label: "NV18", nvlinks: 18 }]);
    expect(inv.hostRam?.totalBytes).toBe(263998500 * 1024);
  });

  it("reports a host without nvidia-smi as no GPUs, with the failure text kept", () => {
    const inv = buildInventory({ query: "NVIDIA-SMI has failed", topo: "", memory: "", meminfo: capture("h200x2/meminfo.txt") });
    expect(inv.gpus).toEqual([]);
    expect(inv.warnings).toEqual(["nvidia-smi --query-gpu: NVIDIA-SMI has failed"]);
  });
});

describe("hostCanRun", () => {
  const inv = buildInventory(h200x2);
  it("places an H200 plan on the H200s: usable = total − reserved = the catalog's 139.8 GiB", () => {
    expect(hostCanRun(inv, resolvePlan({ hardware: { gpu: "h200" } }))).toEqual({ ok: true, gpus: [0] });
  });
  it("places a smaller card's plan on a larger card (the probe caps itself)", () => {
    expect(hostCanRun(inv, resolvePlan({ hardware: { gpu: "rtx-4090" } }))).toEqual({ ok: true, gpus: [0] });
  });
  it("refuses a plan that needs more GPUs or larger ones", () => {
    expect(hostCanRun(inv, resolvePlan({ hardware: { count: 5 } }))).toMatchObject({ ok: false, reason: "the plan needs 5 GPUs; this host has 2" });
    expect(hostCanRun(inv, resolvePlan({ hardware: { gpu: "b200" } }))).toMatchObject({ ok: false });
  });
});

describe("catalogGpuId", () => {
  it.each([
    ["NVIDIA H200", "h200"],
    ["NVIDIA H100 80GB HBM3", "h100-sxm"],
    ["NVIDIA H100 PCIe", "h100-pcie"],
    ["NVIDIA GeForce RTX 4090", "rtx-4090"],
    ["NVIDIA A100-SXM4-40GB", "a100-40gb"],
    ["NVIDIA A100-SXM4-80GB", "a100-80gb"],
    ["NVIDIA L40S", "l40s"],
    ["Tesla T4", null],
  ])("%s → %s", (name, id) => expect(catalogGpuId(name)).toBe(id));
});
