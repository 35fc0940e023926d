import { GIB, GPU_CATALOG, GPU_IDS, resolvePlan, type PlanInput } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import type { HostInventory } from "./host-inventory.ts";
import { ALL_QUEUE_NAMES, CPU_INVENTORY, isTransientError, queueNameFor, queuesServedBy, VRAM_BUCKETS } from "./queue.ts";

const MIB = 1024 * 1024;
const plan = (hardware: PlanInput["hardware"]) => resolvePlan({ hardware });

/** A host of `count` identical cards as nvidia-smi reports them (total and driver-reserved MiB). */
const host = (cards: { totalMib: number; reservedMib: number | null }[]): HostInventory => ({
  gpus: cards.map((card, index) => ({
    index, name: "gpu", busId: null, totalBytes: card.totalMib * MIB, freeBytes: card.totalMib * MIB, usedBytes: 0,
    reservedBytes: card.reservedMib === null ? null : card.reservedMib * MIB, driverVersion: "580", pcieWidth: 16, pcieGen: 5,
  })),
  links: [],
  hostRam: null,
  cudaVersion: null,
  warnings: [],
});
const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);
// captured: apps/worker/src/preflight/captures (h200x2, 4090x5); H100 from the same driver family
const H200 = { totalMib: 143771, reservedMib: 616 };
const RTX_4090 = { totalMib: 24564, reservedMib: 353 };
const H100 = { totalMib: 81559, reservedMib: 479 };

describe("queueNameFor", () => {
  it.each([
    ["rtx-3090", "run.g1.v24"], ["rtx-4090", "run.g1.v24"], ["rtx-5090", "run.g1.v32"], ["a100-40gb", "run.g1.v48"],
    ["l40s", "run.g1.v48"], ["rtx-a6000", "run.g1.v48"], ["a100-80gb", "run.g1.v80"], ["h100-sxm", "run.g1.v80"],
    ["h100-pcie", "run.g1.v80"], ["h200", "run.g1.v141"], ["b200", "run.g1.v180"],
  ] as const)("puts a one-GPU %s plan on %s", (gpu, name) => {
    expect(queueNameFor(plan({ gpu, count: 1 }), "probe")).toBe(name);
  });

  it("covers every catalog GPU with a class no larger than needed", () => {
    for (const id of GPU_IDS) {
      const name = queueNameFor(plan({ gpu: id, count: 1 }), "probe");
      const gib = Number(name.split(".v")[1]);
      expect(GPU_CATALOG[id].usableBytes).toBeLessThanOrEqual(gib * GIB);
    }
  });

  it("asks for the plan's GPU count, up to the 8 GPUs of one host", () => {
    expect(queueNameFor(plan({ gpu: "rtx-4090", count: 5 }), "probe")).toBe("run.g5.v24");
    expect(queueNameFor(plan({ gpu: "h100-sxm", count: 8 }), "probe")).toBe("run.g8.v80");
    expect(() => queueNameFor(plan({ gpu: "h100-sxm", count: 9 }), "probe")).toThrow("no queue takes 9 GPUs of 79.18 GiB");
  });

  it("places a custom GPU by its VRAM and refuses one larger than any class", () => {
    const custom = (vramGib: number) => plan({ gpu: "custom", count: 1, custom: { name: "x", vramGib, bf16Tflops: 100, memoryBandwidthGbPerS: 1000 } });
    expect(queueNameFor(custom(12), "probe")).toBe("run.g1.v16");
    expect(queueNameFor(custom(16), "probe")).toBe("run.g1.v16");
    expect(queueNameFor(custom(23), "probe")).toBe("run.g1.v24");
    expect(queueNameFor(custom(47.6), "probe")).toBe("run.g1.v80"); // above the largest 48 GB card: an 80 GB class host
    expect(() => queueNameFor(custom(200), "probe")).toThrow(RangeError);
  });

  it("names only queues that exist", () => {
    for (const id of GPU_IDS) for (const count of [1, 2, 5, 8]) expect(ALL_QUEUE_NAMES).toContain(queueNameFor(plan({ gpu: id, count }), "probe"));
  });
});

describe("queuesServedBy", () => {
  it("gives a host with no GPUs nothing, and the CPU pseudo-inventory every shape of its runners but LiveAvatar", () => {
    expect(queuesServedBy(host([]), ["probe"])).toEqual([]);
    expect(queuesServedBy(CPU_INVENTORY, ["probe"])).toHaveLength(8 * 7);
    expect(queuesServedBy(CPU_INVENTORY, ["liveavatar", "probe", "upstream"])).toEqual(ALL_QUEUE_NAMES.filter((name) => !name.startsWith("run.liveavatar.")));
    expect(ALL_QUEUE_NAMES).toHaveLength(3 * 8 * 7);
  });

  it("puts the runner in the name (the probe keeps its older names), and serves only the runners given", () => {
    const h100 = plan({ gpu: "h100-sxm", count: 1 });
    expect([queueNameFor(h100, "probe"), queueNameFor(h100, "liveavatar"), queueNameFor(h100, "upstream")]).toEqual(["run.g1.v80", "run.liveavatar.g1.v80", "run.upstream.g1.v80"]);
    const probeOnly = queuesServedBy(host([H100]), ["probe"]);
    expect(probeOnly).toContain("run.g1.v80");
    expect(probeOnly).not.toContain("run.liveavatar.g1.v80");
    expect(queuesServedBy(host([H100]), ["liveavatar"])).toContain("run.liveavatar.g1.v80");
  });

  it("serves an H200 pair every class up to 141 GB, for one or two GPUs", () => {
    expect(queuesServedBy(host(times(2, H200)), ["probe"])).toEqual([
      "run.g1.v16", "run.g1.v24", "run.g1.v32", "run.g1.v48", "run.g1.v80", "run.g1.v141",
      "run.g2.v16", "run.g2.v24", "run.g2.v32", "run.g2.v48", "run.g2.v80", "run.g2.v141",
    ]);
  });

  it("serves five RTX 4090s the 24 GB class (the 3090's 23.69 GiB plans included) up to five GPUs", () => {
    const served = queuesServedBy(host(times(5, RTX_4090)), ["probe"]);
    expect(served).toContain("run.g5.v24");
    expect(served).toContain(queueNameFor(plan({ gpu: "rtx-3090", count: 1 }), "probe"));
    expect(served).not.toContain("run.g1.v32");
    expect(served).not.toContain("run.g6.v24");
    expect(served.filter((name) => name.startsWith("run.g5."))).toEqual(["run.g5.v16", "run.g5.v24"]);
  });

  it("serves an H100 the 80 GB class, where its usable 79.2 GiB sits under the label", () => {
    expect(queuesServedBy(host([H100]), ["probe"])).toContain(queueNameFor(plan({ gpu: "h100-sxm", count: 1 }), "probe"));
    expect(queuesServedBy(host([H100]), ["probe"])).toContain(queueNameFor(plan({ gpu: "a100-80gb", count: 1 }), "probe"));
    expect(queuesServedBy(host([H100]), ["probe"])).not.toContain("run.g1.v141");
  });

  it("judges each count by that many of the largest GPUs: one H100 beside 4090s serves one-GPU 80 GB plans only", () => {
    const served = queuesServedBy(host([RTX_4090, H100, RTX_4090]), ["probe"]);
    expect(served).toContain("run.g1.v80");
    expect(served).not.toContain("run.g2.v80");
    expect(served).toContain("run.g3.v24");
  });

  it("reads total memory as usable where the driver prints no reserved line", () => {
    expect(queuesServedBy(host([{ totalMib: 24564, reservedMib: null }]), ["probe"])).toContain("run.g1.v24");
  });

  it("serves every plan it accepts: a host serving a plan's queue has cards at least as large as the plan's GPU", () => {
    for (const id of GPU_IDS) {
      const need = GPU_CATALOG[id].usableBytes;
      const bucket = VRAM_BUCKETS.find((b) => b.needBytes >= need);
      expect(bucket?.needBytes).toBeGreaterThanOrEqual(need);
    }
  });
});

describe("isTransientError", () => {
  it("retries crashes, lost workers and timeouts only", () => {
    expect(["crashed", "lost", "timeout"].every((c) => isTransientError(c as never))).toBe(true);
    expect(["out-of-memory", "bad-input", "not-installed", "cancelled"].some((c) => isTransientError(c as never))).toBe(false);
  });
});
