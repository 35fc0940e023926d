import { GIB, HOST_RAM_ERROR_BAR, PROBE_HOST_TERM_IDS, type CalibrationSummary, type HostRamComparison, type MeasurementComparison } from "@headroom/estimator";

const gib = (bytes: number): string => (bytes / GIB).toFixed(2);
const signed = (bytes: number): string => `${bytes >= 0 ? "+" : ""}${gib(bytes)}`;

/** One line per measured rank peak and per fit/OOM verdict, then the summary the error bar is judged by. */
export const formatCalibration = (comparisons: readonly MeasurementComparison[], summary: CalibrationSummary, hostRam: readonly HostRamComparison[] = []): string => {
  const rows = comparisons.flatMap((c) => {
    const verdict = `${c.measuredFits ? "fits" : `OOM@${c.measuredOomPhase ?? "?"}`} / ${c.predictedFits ? "fits" : `OOM@${c.predictedOomPhase ?? "?"}`}${c.verdictAgrees ? "" : "  DISAGREES"}`;
    if (c.peaks.length === 0) return [`  ${c.id.padEnd(36)} ${"-".padStart(8)} ${"-".padStart(8)} ${"-".padStart(7)}  ${verdict}`];
    return c.peaks.map((p) => `  ${`${c.id}${c.peaks.length > 1 ? ` r${p.rank}` : ""}`.padEnd(36)} ${gib(p.predictedBytes).padStart(8)} ${gib(p.measuredBytes).padStart(8)} ${signed(p.errorBytes).padStart(7)}${p.isWithin ? " " : "!"} ${verdict}`);
  });
  return [
    "Calibration: estimate() against every committed probe measurement (GiB; error bar max(3 %, 0.5 GiB) of the measured peak)",
    `  ${"measurement".padEnd(36)} ${"predicted".padStart(8)} ${"measured".padStart(8)} ${"error".padStart(7)}  measured / predicted`,
    ...rows,
    "",
    `Peaks within the error bar: ${summary.peaksWithin} of ${summary.peaks} · max error ${gib(summary.maxErrorBytes)} GiB · median ${gib(summary.medianErrorBytes)} GiB · fit/OOM verdicts agree: ${summary.verdictAgreement} of ${summary.measurements}`,
    ...formatHostRam(hostRam),
  ].join("\n");
};

/** Host RAM per process: the probe's peak RSS against the host terms it reproduces. */
const formatHostRam = (rows: readonly HostRamComparison[]): string[] => {
  if (rows.length === 0) return [];
  const bar = `max(${HOST_RAM_ERROR_BAR.relative * 100} %, ${gib(HOST_RAM_ERROR_BAR.absoluteBytes)} GiB)`;
  const multi = new Set(rows.filter((r) => r.rank > 0).map((r) => r.id));
  return [
    "",
    `Host RAM: peak RSS per process against ${PROBE_HOST_TERM_IDS.join(" + ")} (GiB; error bar ${bar}; host-frames only for runs that kept their frames, at the clips they ran; encoders on the CPU and checkpoint staging are source-read, not measured)`,
    ...rows.map((r) => `  ${`${r.id}${multi.has(r.id) ? ` r${r.rank}` : ""}`.padEnd(36)} ${gib(r.predictedBytes).padStart(8)} ${gib(r.measuredBytes).padStart(8)} ${signed(r.errorBytes).padStart(7)}${r.isWithin ? "" : "!"}`),
    `Host RAM within the error bar: ${rows.filter((r) => r.isWithin).length} of ${rows.length}`,
  ];
};
