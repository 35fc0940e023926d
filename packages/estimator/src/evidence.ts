import { compareInstruments, compareMeasurement, Measurement, summarizeCalibration, type CalibrationSummary, type InstrumentKind, type InstrumentPhaseRow, type MeasurementComparison } from "./calibration.ts";
import { measuredKernelFactors, type MeasuredKernelFactor } from "./kernel-fit.ts";
import { compareSpeed, median } from "./speed-calibration.ts";
import { compareStageTimings, type StageTiming } from "./stage-timings.ts";
import { compareUpstreamPhases, type UpstreamPhaseRow } from "./upstream-phases.ts";
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
  /** estimate() against upstream's own runs phase by phase (a phase below a run's peak can be the peak on a smaller card). */
  upstreamPhases: UpstreamPhaseRow[];
  measuredKernels: MeasuredKernelFactor[];
  /** Per timed stage and instrument: how many runs, and measured ÷ predicted at the median and at the widest miss. */
  timings: StageSummary[];
};

export type StageSummary = {
  stage: "dit-forward" | StageTiming["stage"];
  instrument: InstrumentKind;
  runs: number;
  medianRatio: number;
  widest: { id: string; ratio: number };
};

type Timed = { id: string; instrument: InstrumentKind; stage: StageSummary["stage"]; predictedSeconds: number; measuredSeconds: number };

const summarizeStages = (rows: readonly Timed[]): StageSummary[] => {
  const groups = new Map<string, Timed[]>();
  for (const row of rows) groups.set(`${row.stage} ${row.instrument}`, [...(groups.get(`${row.stage} ${row.instrument}`) ?? []), row]);
  return [...groups.values()].map((group) => {
    const ratio = (row: Timed) => row.measuredSeconds / row.predictedSeconds;
    // the widest miss either way: 0.5× is as far off as 2×
    const widest = [...group].sort((a, b) => Math.abs(Math.log(ratio(b))) - Math.abs(Math.log(ratio(a))))[0]!;
    return { stage: group[0]!.stage, instrument: group[0]!.instrument, runs: group.length, medianRatio: median(group.map(ratio)), widest: { id: widest.id, ratio: ratio(widest) } };
  });
};

export const calibrationEvidence = (files: readonly MeasurementFile[]): CalibrationEvidence => {
  const parsed = files.flatMap((file) => {
    const result = Measurement.safeParse(file.json);
    return result.success ? [{ file: file.name, m: result.data }] : [];
  });
  const runs = parsed.map(({ file, m }) => ({ ...compareMeasurement(m), file, capBytes: m.capBytes }));
  const measurements = parsed.map(({ m }) => m);
  const forwards: Timed[] = measurements.flatMap((m) => {
    const row = compareSpeed(m);
    return row ? [{ id: row.id, instrument: m.instrument.kind, stage: "dit-forward" as const, predictedSeconds: row.predictedSeconds, measuredSeconds: row.measuredSeconds }] : [];
  });
  const timings = summarizeStages([...forwards, ...measurements.flatMap(compareStageTimings)]);
  return { runs, summary: summarizeCalibration(runs), instruments: compareInstruments(measurements), upstreamPhases: measurements.flatMap(compareUpstreamPhases), measuredKernels: measuredKernelFactors(measurements), timings };
};
