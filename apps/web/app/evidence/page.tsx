import { ERROR_BAR, ESTIMATOR_VERSION, observationRows, speedExplanation } from "@headroom/estimator";
import { formatErrorBar, MemoryEvidence, SpeedEvidence } from "@headroom/ui";
import type { Metadata } from "next";
import { getCalibrationEvidence } from "@/server/calibration-evidence";

export const metadata: Metadata = { title: "Evidence — Headroom", description: "What every Headroom number is checked against" };

/** What the error bars on every report stand on: each committed measurement and each published speed observation. */
export default function EvidencePage() {
  const evidence = getCalibrationEvidence();
  const rows = observationRows();
  return (
    <div className="evidence-page" data-testid="evidence-page">
      <h1>Evidence</h1>
      <p className="muted">
        Every report states its memory within {formatErrorBar(ERROR_BAR)} and its speed as a range. These are the runs and
        observations those bars are held to, compared with estimator {ESTIMATOR_VERSION} as this server runs it; CI fails when
        one leaves its bar.
      </p>
      <section id="memory"><MemoryEvidence evidence={evidence} /></section>
      <section id="speed"><SpeedEvidence rows={rows} explanation={speedExplanation(rows)} measuredKernels={evidence.measuredKernels} timings={evidence.timings} /></section>
    </div>
  );
}
