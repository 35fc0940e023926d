import type { CalibrationEvidence } from "@headroom/estimator";
import { loadCalibrationEvidence } from "@headroom/measurements";
import { MEASUREMENTS_DIR } from "./measured-runs.ts";

// Read and compared once per server process, like the measured runs: the files change only with a commit.
const holder = globalThis as { headroomCalibrationEvidence?: CalibrationEvidence };

export const getCalibrationEvidence = (): CalibrationEvidence => (holder.headroomCalibrationEvidence ??= loadCalibrationEvidence(MEASUREMENTS_DIR));
