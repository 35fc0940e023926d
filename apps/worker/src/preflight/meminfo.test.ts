import { describe, expect, it } from "vitest";
import { capture } from "./captures.ts";
import { parseMeminfo } from "./meminfo.ts";

describe("parseMeminfo", () => {
  it("reads the captured host's total and available memory in bytes", () => {
    expect(parseMeminfo(capture("h200x2/meminfo.txt"))).toEqual({ totalBytes: 263998500 * 1024, availableBytes: 263405940 * 1024 });
  });

  it("falls back to MemFree without MemAvailable, and gives null without MemTotal", () => {
    expect(parseMeminfo("MemTotal: 1000 kB\nMemFree: 400 kB\n")).toEqual({ totalBytes: 1024000, availableBytes: 409600 });
    expect(parseMeminfo("MemFree: 400 kB\n")).toBeNull();
  });
});
