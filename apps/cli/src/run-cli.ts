import {
  compareHostRam, compareInstruments, compareUpstreamPhases, compareStageTimings, KERNEL_FACTORS, measuredKernelFactors, observationRows, compareMeasurement, compareSpeed, estimate, launchReport, Measurement, measuredRunsFrom, nearestMeasurements, summarizeCalibration, type MeasuredRun, type MeasurementFile,
} from "@headroom/estimator";
import { evaluate, rank, suggest } from "@headroom/rules";
import { formatArgError, parseArgs, resolveCheckPlan, type ArgError } from "./args.ts";
import { formatCalibration } from "./calibration-report.ts";
import { formatReport } from "./format-report.ts";
import { formatRank, toJsonRank } from "./rank-report.ts";
import { makePaint } from "./format-units.ts";
import { imageSizeFlag, type ReadFileHead } from "./image-flag.ts";
import { stringifyReport, toJsonReport } from "./json-report.ts";
import { formatUsage } from "./usage.ts";

export type { MeasurementFile };

export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  /** The committed measurements (data/measurements by default). */
  readMeasurements: (dir: string | null) => MeasurementFile[];
  /** --image's file, its first bytes (enough for the header). */
  readFileHead: ReadFileHead;
};

/** Exit codes: 0 checked (whatever the verdict), 2 bad command line. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

const usageError = (error: ArgError, io: Io): number => {
  io.err(formatArgError(error));
  if (error.showUsage) io.err(`\n${formatUsage()}`);
  return EXIT_USAGE;
};

/** argv without `node` and the script; everything the process does, minus the process. */
export const runCli = (argv: readonly string[], io: Io): number => {
  const parsed = parseArgs(argv);
  if (!parsed.ok) return usageError(parsed.error, io);
  const command = parsed.value;
  if (command.kind === "help" || ((command.kind === "check" || command.kind === "rank") && command.help)) {
    io.out(formatUsage());
    return EXIT_OK;
  }
  if (command.kind === "calibration") return runCalibration(command.dir, command.json, io);
  const image = command.image === null ? null : imageSizeFlag(command.image, io.readFileHead);
  if (image && !image.ok) return usageError(image.error, io);
  const resolved = resolveCheckPlan(image ? [...command.plans, image.value] : command.plans);
  if (!resolved.ok) return usageError(resolved.error, io);

  const plan = resolved.value;
  if (command.kind === "rank") {
    const rows = rank(plan, { by: command.by, measured: committedRuns(io) });
    io.out(command.json ? stringifyReport(toJsonRank(rows, command.by)) : formatRank(rows, command.by, makePaint(io.color)));
    return EXIT_OK;
  }
  const planEstimate = estimate(plan);
  // The committed runs judge the plan too: one that measured this plan out of memory makes it risky.
  const runs = committedRuns(io);
  const verdict = evaluate(plan, planEstimate, undefined, runs);
  const suggestions = command.suggest ? suggest(plan, { measured: runs }) : null;
  // --image's path goes into the command; the audio and prompt stay the script's examples (check reads no audio).
  const launch = launchReport(plan, command.image === null ? {} : { image: command.image });
  const report = { plan, estimate: planEstimate, verdict, suggestions, measured: nearestMeasurements(plan, runs), launch };
  io.out(command.json ? stringifyReport(toJsonReport(report)) : formatReport(report, { color: io.color }));
  return EXIT_OK;
};

const runCalibration = (dir: string | null, json: boolean, io: Io): number => {
  const comparisons = [];
  const hostRam = [];
  const speed = [];
  const runs: Measurement[] = [];
  for (const file of io.readMeasurements(dir)) {
    const parsed = Measurement.safeParse(file.json);
    if (!parsed.success) {
      io.err(`headroom: ${file.name}: not a probe measurement (${parsed.error.issues[0]?.path.join(".") ?? "?"}: ${parsed.error.issues[0]?.message ?? "invalid"})`);
      return EXIT_USAGE;
    }
    runs.push(parsed.data);
    comparisons.push(compareMeasurement(parsed.data));
    hostRam.push(...compareHostRam(parsed.data));
    const timed = compareSpeed(parsed.data);
    if (timed) speed.push(timed);
  }
  const summary = summarizeCalibration(comparisons);
  const instruments = compareInstruments(runs);
  const kernels = { inUse: KERNEL_FACTORS, measured: measuredKernelFactors(runs) };
  const stageTimings = runs.flatMap(compareStageTimings);
  const upstreamPhases = runs.flatMap(compareUpstreamPhases);
  io.out(json
    ? JSON.stringify({ summary, measurements: comparisons, instruments, upstreamPhases, hostRam, speed, stageTimings, kernels, speedObservations: observationRows() }, null, 2)
    : formatCalibration(comparisons, summary, hostRam, speed, instruments, kernels.measured, stageTimings, upstreamPhases));
  return EXIT_OK;
};

/** The committed runs; a check still answers when the data folder is missing or malformed. */
const committedRuns = (io: Io): MeasuredRun[] => {
  try {
    return measuredRunsFrom(io.readMeasurements(null));
  } catch {
    return [];
  }
};
