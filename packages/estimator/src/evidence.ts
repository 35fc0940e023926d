import { compareInstruments, compareMeasurement, Measurement, summarizeCalibration, type CalibrationSummary, type InstrumentPhaseRow, type MeasurementComparison } from "./calibration.ts";
import { measuredKernelFactors, type MeasuredKernelFactor } from "./kernel-fit.ts";
import type { MeasurementFile } from "./nearest-measurements.ts";

/**
 * Everything the committed measurements say about the estimator, for a page that shows it: each run against its
 * prediction, the summary the memory error bar is judged by, probe against upstream where both measured, and the kernel
 * factors upstream's timed runs give. Files that are not measurements are left out, as everywhere else.
 */
export type CalibrationEvidence = {
  runs: (MeasurementComparison & { file: string; capBytes: number | null })[];
  summary: CalibrationSummary;
  instruments: InstrumentPhaseRow[];
  measuredKernels: MeasuredKernelFactor[];
};

export const calibrationEvidence = (files: readonly MeasurementFile[]): CalibrationEvidence => {
  const parsed = files.flatMap((file) => {
    const result = Measurement.safeParse(file.json);
    return result.success ? [{ file: file.name, m: result.data }] : [];
  });
  const runs = parsed.map(({ file, m }) => ({ ...compareMeasurement(m), file, capBytes: m.capBytes }));
  const measurements = parsed.map(({ m }) => m);
  return { runs, summary: summarizeCalibration(runs), instruments: compareInstruments(measurements), measuredKernels: measuredKernelFactors(measurements) };
};
