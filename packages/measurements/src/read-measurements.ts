// The committed probe runs on disk: the one module the CLI and the web server read data/measurements through.
// Node only (node:fs); what to make of the files is pure and lives in @headroom/estimator.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { calibrationEvidence, measuredRunsFrom, type CalibrationEvidence, type MeasuredRun, type MeasurementFile } from "@headroom/estimator";

/** Every *.json in the folder, by name, with its parsed JSON or why it could not be read; throws where the folder can't be listed. */
export const readMeasurementFiles = (dir: string): MeasurementFile[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      try {
        return { name, json: JSON.parse(readFileSync(join(dir, name), "utf8")) as unknown };
      } catch (error) {
        return { name, json: { unreadable: error instanceof Error ? error.message : String(error) } };
      }
    });

/** The runs a report shows; a missing folder or a file that is not a probe measurement leaves them out instead of failing. */
export const loadMeasuredRuns = (dir: string): MeasuredRun[] => {
  try {
    return measuredRunsFrom(readMeasurementFiles(dir));
  } catch {
    return [];
  }
};

/** The calibration behind every report's error bars, for the evidence page; a missing folder gives an empty one. */
export const loadCalibrationEvidence = (dir: string): CalibrationEvidence => {
  try {
    return calibrationEvidence(readMeasurementFiles(dir));
  } catch {
    return calibrationEvidence([]);
  }
};
