import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVramSample } from "./parse-vram-sample.ts";

describe("parseVramSample", () => {
  it("reads every line of the captured `-lms 100` run on 2 × H200", () => {
    const text = readFileSync(new URL("../preflight/captures/h200x2/lms.txt", import.meta.url), "utf8");
    const readings = text.trim().split("\n").map(parseVramSample);
    expect(readings).toHaveLength(20);
    expect(readings.slice(0, 2)).toEqual([{ gpu: 0, usedMiB: 0 }, { gpu: 1, usedMiB: 0 }]);
  });

  it.each([["3, 22080", { gpu: 3, usedMiB: 22080 }], ["  1 ,  5 ", { gpu: 1, usedMiB: 5 }], ["0, [N/A]", null], ["No devices were found", null], ["", null]])("%j", (line, reading) => {
    expect(parseVramSample(line)).toEqual(reading);
  });
});
