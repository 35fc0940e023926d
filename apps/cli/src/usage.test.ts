import { PLAN_FIELDS } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { runCli, type Io } from "./run-cli.ts";
import { formatUsage } from "./usage.ts";
import { readMeasurements } from "./read-measurements.ts";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), color: false, readMeasurements };
  return { io, out, err };
};

describe("formatUsage", () => {
  it("lists every plan field in kebab-case, from the one table", () => {
    const usage = formatUsage();
    for (const field of PLAN_FIELDS) expect(usage).toContain(`--${field.flag.replaceAll("_", "-")} `);
  });
});

describe("runCli", () => {
  it("prints the help on stdout and exits 0", () => {
    const { io, out, err } = capture();
    expect(runCli(["help"], io)).toBe(0);
    expect(out.join("\n")).toContain("Usage: headroom check");
    expect(err).toEqual([]);
  });

  it("prints one stderr line and exits 2 for a bad plan", () => {
    const { io, out, err } = capture();
    expect(runCli(["check", "--size", "704x384"], io)).toBe(2);
    expect(err).toEqual(['headroom: --size: size must look like 704*384 (width*height), got "704x384"']);
    expect(out).toEqual([]);
  });

  it("prints the JSON report with --json and skips the suggestions with --no-suggest", () => {
    const { io, out } = capture();
    expect(runCli(["check", "--gpu=h100-sxm", "--json", "--no-suggest"], io)).toBe(0);
    const report = JSON.parse(out.join("\n"));
    expect(report).toMatchObject({ plan: { hardware: { gpu: "h100-sxm", count: 1 } }, suggestions: [], suggestionsSkipped: true });
    expect(report.estimate.gpus[0].peakPhase).toEqual(expect.any(String));
  });
});
