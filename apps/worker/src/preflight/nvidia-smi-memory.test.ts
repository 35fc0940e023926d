import { describe, expect, it } from "vitest";
import { capture } from "./captures.ts";
import { parseMemoryReport } from "./nvidia-smi-memory.ts";

describe("parseMemoryReport", () => {
  it("reads the captured FB memory of both H200s, skipping BAR1 and protected memory", () => {
    const gpu = { totalMiB: 143771, reservedMiB: 616, usedMiB: 0, freeMiB: 143156 };
    expect(parseMemoryReport(capture("h200x2/memory.txt"))).toEqual({
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
      gpus: [{ busId: "00000000:00:06.0", ...gpu }, { busId: "00000000:00:07.0", ...gpu }],
    });
  });

  it("reads five sections and the busy card", () => {
    const report = parseMemoryReport(capture("reconstructed/memory-4090x5.reconstructed.txt"));
    expect(report.gpus).toHaveLength(5);
    expect(report.gpus[2]).toMatchObject({ busId: "00000000:41:00.0", usedMiB: 22080, freeMiB: 2131, reservedMiB: 353 });
  });

  it("gives a null reserve where an old driver does not print one", () => {
    const report = parseMemoryReport(capture("reconstructed/memory-3090-r470.reconstructed.txt"));
    expect(report.gpus).toEqual([{ busId: "00000000:3B:00.0", totalMiB: 24268, reservedMiB: null, usedMiB: 5, freeMiB: 24263 }]);
  });
});
