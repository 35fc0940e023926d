import { compareMeasurement, GIB, Measurement, summarizeCalibration } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { readMeasurements } from "./read-measurements.ts";
import { runCli, type Io } from "./run-cli.ts";

/**
 * Holds the estimator to its stated error bar on every measurement committed under data/measurements:
 * each rank's predicted peak within max(3 %, 0.5 GiB) of the measured one, and the same fit/OOM verdict.
 */
const files = readMeasurements(null);
const measurements = files.map((file) => Measurement.parse(file.json));

describe("calibration against data/measurements", () => {
  it("has measurements to hold the estimator to", () => {
    expect(measurements.length).toBeGreaterThanOrEqual(12);
  });
  it.each(measurements.map((m) => [m.id, m] as const))("%s: peak within the error bar, fit/OOM verdict agrees", (_, m) => {
    const comparison = compareMeasurement(m);
    expect(comparison.verdictAgrees, `measured ${comparison.measuredFits ? "fits" : "OOM"}, predicted ${comparison.predictedFits ? "fits" : "OOM"}`).toBe(true);
    for (const peak of comparison.peaks) {
      expect(Math.abs(peak.errorBytes) / GIB, `rank ${peak.rank}: predicted ${(peak.predictedBytes / GIB).toFixed(2)} GiB, measured ${(peak.measuredBytes / GIB).toFixed(2)} GiB`).toBeLessThanOrEqual(peak.allowedBytes / GIB);
    }
  });
  it("would fail on a measurement the estimator misses by more than the bar", () => {
    const m = measurements.find((candidate) => candidate.ranks.every((rank) => rank.fits))!;
    const doctored: Measurement = {
      ...m,
      ranks: m.ranks.map((rank) => ({ ...rank, phases: Object.fromEntries(Object.entries(rank.phases).map(([phase, r]) => [phase, { ...r, deviceUsed: r.deviceUsed + 2 * GIB }])) })),
    };
    expect(compareMeasurement(doctored).peaks.some((peak) => !peak.isWithin)).toBe(true);
  });
  it("`headroom calibration --json` prints the table and the summary", () => {
    const out: string[] = [];
    const io: Io = { out: (text) => out.push(text), err: () => {}, color: false, readMeasurements };
    expect(runCli(["calibration", "--json"], io)).toBe(0);
    const printed = JSON.parse(out.join("\n")) as { summary: ReturnType<typeof summarizeCalibration>; measurements: unknown[] };
    expect(printed.measurements).toHaveLength(measurements.length);
    expect(printed.summary.peaksWithin).toBe(printed.summary.peaks);
  });
});
