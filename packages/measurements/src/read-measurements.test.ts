import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadCalibrationEvidence, loadMeasuredRuns, readMeasurementFiles } from "./read-measurements.ts";

const COMMITTED = fileURLToPath(new URL("../../../data/measurements", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "headroom-measurements-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("loadMeasuredRuns", () => {
  it("reads every committed measurement, each with its file name and prediction", () => {
    const runs = loadMeasuredRuns(COMMITTED);
    const files = readdirSync(COMMITTED).filter((name) => name.endsWith(".json"));
    expect(runs.map((run) => run.file)).toEqual(files.sort());
    expect(runs.every((run) => run.comparison.id === run.id)).toBe(true);
  });

  it("is empty for a missing folder", () => {
    expect(loadMeasuredRuns(join(scratch, "absent"))).toEqual([]);
  });

  it("skips files that are not JSON or not probe measurements, keeps the rest", () => {
    const committed = readMeasurementFiles(COMMITTED)[0]!;
    writeFileSync(join(scratch, "a-broken.json"), "{ not json");
    writeFileSync(join(scratch, "b-other.json"), JSON.stringify({ id: "x" }));
    writeFileSync(join(scratch, committed.name), JSON.stringify(committed.json));
    writeFileSync(join(scratch, "README.md"), "# not a measurement");
    expect(readMeasurementFiles(scratch).map((file) => file.name)).toEqual(["a-broken.json", "b-other.json", committed.name].sort());
    expect(loadMeasuredRuns(scratch).map((run) => run.file)).toEqual([committed.name]);
  });
});

describe("loadCalibrationEvidence", () => {
  it("compares every committed measurement, and its summary counts them all within the bar", () => {
    const evidence = loadCalibrationEvidence(COMMITTED);
    expect(evidence.runs.map((run) => run.file)).toEqual(loadMeasuredRuns(COMMITTED).map((run) => run.file));
    expect(evidence.summary.measurements).toBe(evidence.runs.length);
    expect(evidence.summary.peaksWithin).toBe(evidence.summary.peaks);
    expect(evidence.timings.map((t) => t.stage)).toEqual(expect.arrayContaining(["dit-forward", "vae-decode", "vae-reencode", "kv-copy-per-step"]));
  });
  it("is empty, not an error, for a missing folder", () => {
    const evidence = loadCalibrationEvidence(join(scratch, "absent"));
    expect(evidence.runs).toEqual([]);
    expect(evidence.summary.measurements).toBe(0);
  });
});
