import { PLAN_FIELDS } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { runCli, type Io } from "./run-cli.ts";
import { formatUsage } from "./usage.ts";
import { readMeasurements } from "./read-measurements.ts";

/** A 1080×1920 PNG's first 24 bytes: signature, IHDR length and type, width, height. */
const PORTRAIT_PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x04, 0x38, 0, 0, 0x07, 0x80]);
const FILES: Record<string, Uint8Array> = { "portrait.png": PORTRAIT_PNG, "notes.txt": new TextEncoder().encode("not an image") };

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  const readFileHead = (path: string): Uint8Array => {
    const file = FILES[path];
    if (!file) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });
    return file;
  };
  const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), color: false, readMeasurements, readFileHead };
  return { io, out, err };
};

describe("formatUsage", () => {
  it("lists every plan field in kebab-case, from the one table", () => {
    const usage = formatUsage();
    for (const field of PLAN_FIELDS) expect(usage).toContain(`--${field.flag.replaceAll("_", "-")} `);
    expect(usage).toContain("--image <path>");
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

describe("runCli with a reference image", () => {
  it("reads --image's size from the file and reports the frame it runs at", () => {
    const { io, out, err } = capture();
    expect(runCli(["check", "--gpu", "h100-sxm", "--image", "portrait.png", "--no-suggest"], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join("\n")).toMatch(/^Frame {2}runs at 384×704 from your 1080×1920 image/m);
  });

  it("says the example image is assumed without --image or --image-size", () => {
    const { io, out } = capture();
    expect(runCli(["check", "--gpu", "h100-sxm", "--no-suggest"], io)).toBe(0);
    expect(out.join("\n")).toContain("runs at 704×384 from the scripts' example image 720×400 (assumed; pass --image)");
  });

  it("puts --image's size into the JSON plan", () => {
    const { io, out } = capture();
    expect(runCli(["check", "--image=portrait.png", "--json", "--no-suggest"], io)).toBe(0);
    const report = JSON.parse(out.join("\n"));
    expect(report.plan.params.imageSize).toBe("1080*1920");
    expect(report.estimate.frame).toMatchObject({ width: 384, height: 704, isAssumedImage: false });
  });

  it.each([
    ["missing.png", 'headroom: --image: cannot read "missing.png": no such file'],
    ["notes.txt", 'headroom: --image: cannot use "notes.txt": not a PNG, JPEG or WebP image'],
  ])("refuses %s in one stderr line, exit 2", (path, line) => {
    const { io, out, err } = capture();
    expect(runCli(["check", "--image", path], io)).toBe(2);
    expect(err).toEqual([line]);
    expect(out).toEqual([]);
  });
});
