import { describe, expect, it } from "vitest";
import { capture } from "./captures.ts";
import { GPU_QUERY_ARGS, parseGpuQuery } from "./nvidia-smi-query.ts";

describe("parseGpuQuery", () => {
  it("reads the captured 2 × H200 rows", () => {
    const { gpus, unparsed } = parseGpuQuery(capture("h200x2/query.csv"));
    expect(unparsed).toEqual([]);
    expect(gpus).toEqual([
      { index: 0, name: "NVIDIA H200", memoryTotalMiB: 143771, memoryFreeMiB: 143156, memoryUsedMiB: 0, driverVersion: "580.159.04", pcieLinkWidth: 16, pcieLinkGen: 5 },
      { index: 1, name: "NVIDIA H200", memoryTotalMiB: 143771, memoryFreeMiB: 143156, memoryUsedMiB: 0, driverVersion: "580.159.04", pcieLinkWidth: 16, pcieLinkGen: 5 },
    ]);
  });

  it("turns [N/A] into null and keeps the busy GPU's numbers", () => {
    const { gpus } = parseGpuQuery(capture("reconstructed/query-4090x5.reconstructed.txt"));
    expect(gpus).toHaveLength(5);
    expect(gpus[2]).toMatchObject({ memoryFreeMiB: 2131, memoryUsedMiB: 22080 });
    expect(gpus[3]?.pcieLinkWidth).toBe(8);
    expect(gpus[4]).toMatchObject({ pcieLinkWidth: null, pcieLinkGen: null });
  });

  it("keeps what is not a row instead of dropping it", () => {
    const text = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n";
    expect(parseGpuQuery(text)).toEqual({ gpus: [], unparsed: [text.trim()] });
  });

  it("asks nvidia-smi for exactly the parsed columns", () => {
    expect(GPU_QUERY_ARGS[0]).toBe("--query-gpu=index,name,memory.total,memory.free,memory.used,driver_version,pcie.link.width.current,pcie.link.gen.current");
  });
});
