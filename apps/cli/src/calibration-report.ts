import { formatGibValue, formatSignedGibValue, HOST_RAM_ERROR_BAR, PROBE_HOST_TERM_IDS, type CalibrationSummary, type HostRamComparison, type InstrumentPhaseRow, type MeasuredKernelFactor, type MeasurementComparison, type SpeedComparison, type StageTiming, type UpstreamPhaseRow } from "@headroom/estimator";
import { formatUpstreamPhases } from "./upstream-phases-report.ts";
import { formatSpeedReport } from "./speed-report.ts";

/** One line per measured rank peak and per fit/OOM verdict, then the summary the error bar is judged by. */
export const formatCalibration = (comparisons: readonly MeasurementComparison[], summary: CalibrationSummary, hostRam: readonly HostRamComparison[] = [], speed: readonly SpeedComparison[] = [], instruments: readonly InstrumentPhaseRow[] = [], measuredKernels: readonly MeasuredKernelFactor[] = [], stages: readonly StageTiming[] = [], upstreamPhases: readonly UpstreamPhaseRow[] = []): string => {
  const rows = comparisons.flatMap((c) => {
    const verdict = `${c.measuredFits ? "fits" : `OOM@${c.measuredOomPhase ?? "?"}`} / ${c.predictedFits ? "fits" : `OOM@${c.predictedOomPhase ?? "?"}`}${c.verdictAgrees ? "" : "  DISAGREES"}`;
    if (c.peaks.length === 0) return [`  ${c.id.padEnd(36)} ${"-".padStart(8)} ${"-".padStart(8)} ${"-".padStart(7)}  ${verdict}`];
    return c.peaks.map((p) => `  ${`${c.id}${c.peaks.length > 1 ? ` r${p.rank}` : ""}${c.instrument === "probe" ? "" : ` [${c.instrument}]`}`.padEnd(36)} ${formatGibValue(p.predictedBytes).padStart(8)} ${formatGibValue(p.measuredBytes).padStart(8)} ${formatSignedGibValue(p.errorBytes).padStart(7)}${p.isWithin ? " " : "!"} ${verdict}`);
  });
  return [
    "Calibration: estimate() against every committed measurement, the probe's and [upstream]'s (GiB; error bar max(3 %, 0.5 GiB) of the measured peak)",
    `  ${"measurement".padEnd(36)} ${"predicted".padStart(8)} ${"measured".padStart(8)} ${"error".padStart(7)}  measured / predicted`,
    ...rows,
    "",
    `Peaks within the error bar: ${summary.peaksWithin} of ${summary.peaks} · max error ${formatGibValue(summary.maxErrorBytes)} GiB · median ${formatGibValue(summary.medianErrorBytes)} GiB · fit/OOM verdicts agree: ${summary.verdictAgreement} of ${summary.measurements}`,
    ...Object.entries(summary.byInstrument).map(([kind, s]) => `  ${kind}: ${s.peaksWithin} of ${s.peaks} peaks within · max ${formatGibValue(s.maxErrorBytes)} GiB · verdicts ${s.verdictAgreement} of ${s.measurements}`),
    ...formatInstruments(instruments),
    ...formatUpstreamPhases(upstreamPhases),
    ...formatHostRam(hostRam),
    ...formatSpeedReport(speed, measuredKernels, stages),
  ].join("\n");
};

/** Probe against upstream on the plans both measured: the probe is the fast instrument, upstream the reference. */
const formatInstruments = (rows: readonly InstrumentPhaseRow[]): string[] => {
  if (rows.length === 0) return ["", "Probe vs upstream: no plan measured by both instruments yet"];
  return [
    "",
    "Probe vs upstream (LiveAvatar's own code, random weights), per phase on every plan both measured (GiB; held, and live = allocated + outside the allocator; probe−up = the distance between their [live, held] intervals, bar max(3 %, 0.5 GiB) of upstream's held)",
    `  ${"probe run / upstream run".padEnd(60)} ${"phase".padEnd(8)} ${"probe".padStart(7)} ${"upstream".padStart(8)} ${"live p/u".padStart(13)} ${"estimate".padStart(8)} ${"probe−up".padStart(8)}`,
    ...rows.map((r) => `  ${`${r.probeId} / ${r.upstreamId}${r.rank > 0 ? ` r${r.rank}` : ""}`.padEnd(60)} ${r.phase.padEnd(8)} ${formatGibValue(r.probeBytes).padStart(7)} ${formatGibValue(r.upstreamBytes).padStart(8)} ${`${formatGibValue(r.probeLiveBytes)}/${formatGibValue(r.upstreamLiveBytes)}`.padStart(13)} ${formatGibValue(r.predictedBytes).padStart(8)} ${formatSignedGibValue(r.probeErrorBytes).padStart(8)}${r.isProbeWithin ? "" : "!"}`),
    `Probe within the bar of upstream: ${rows.filter((r) => r.isProbeWithin).length} of ${rows.length} phases`,
  ];
};

/** Host RAM per process: the probe's peak RSS against the host terms it reproduces; upstream's against the whole load or run phase. */
const formatHostRam = (rows: readonly HostRamComparison[]): string[] => {
  if (rows.length === 0) return [];
  const bar = `max(${HOST_RAM_ERROR_BAR.relative * 100} %, ${formatGibValue(HOST_RAM_ERROR_BAR.absoluteBytes)} GiB)`;
  const multi = new Set(rows.filter((r) => r.rank > 0).map((r) => r.id));
  return [
    "",
    `Host RAM: peak RSS per process against ${PROBE_HOST_TERM_IDS.join(" + ")} (GiB; error bar ${bar}; host-frames only for runs that kept their frames, at the clips they ran; [upstream] runs build T5 and the encoders on the CPU as users' runs do: held to the larger of the whole load and run phases, host-frames aside)`,
    ...rows.map((r) => `  ${`${r.id}${multi.has(r.id) ? ` r${r.rank}` : ""}${r.instrument === "probe" ? "" : ` [${r.instrument}]`}`.padEnd(36)} ${formatGibValue(r.predictedBytes).padStart(8)} ${formatGibValue(r.measuredBytes).padStart(8)} ${formatSignedGibValue(r.errorBytes).padStart(7)}${r.isWithin ? "" : "!"}`),
    `Host RAM within the error bar: ${rows.filter((r) => r.isWithin).length} of ${rows.length}`,
  ];
};
