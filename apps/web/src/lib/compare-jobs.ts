import { gbToBytes, PHASES, planDifferences, type Estimate, type Plan, type Range } from "@headroom/estimator";

/** One side of a comparison: a job (or a bare plan, where `measured` is null). */
export type CompareSide = {
  label: string;
  plan: Plan;
  estimate: Estimate;
  /** What the GPU really did: null for a plan, a queued job, or a smoke run at tiny shapes (not a measurement). */
  measured: { peakBytes: number | null; phaseBytes: Partial<Record<string, number>>; wallSeconds: number | null } | null;
};

/** A predicted speed also carries its error bar's range, which is what the page prints (the point value orders B vs A). */
export type CompareRow = { label: string; a: number | null; b: number | null; unit: "bytes" | "seconds" | "fps"; aRange?: Range; bRange?: Range };

export type Comparison = {
  memory: CompareRow[];
  speed: CompareRow[];
  hostRam: CompareRow[];
  /** Flags where the two plans differ, in the form's order: upstream spelling, a's value, b's value. */
  flags: { flag: string; a: string; b: string }[];
};

/** Host RAM phases either side names (load, run). */
const hostRamPhaseNames = (a: CompareSide, b: CompareSide): string[] => [...new Set([...a.estimate.hostRamPhases, ...b.estimate.hostRamPhases].map((p) => p.phase))];
const worstGpu = (estimate: Estimate) => estimate.gpus[estimate.worstRank] ?? estimate.gpus[0];
const phaseBytes = (estimate: Estimate, phase: string) => worstGpu(estimate)?.phases.find((p) => p.phase === phase)?.totalBytes ?? null;

/** The largest device-level use the probe reported per phase, from the job's `memory` events (any rank). */
export const measuredPhaseBytes = (events: readonly { type: string; payload: Record<string, unknown> }[]): Partial<Record<string, number>> => {
  const peaks: Partial<Record<string, number>> = {};
  for (const event of events) {
    const { phase, deviceUsed } = event.payload;
    if (event.type !== "memory" || typeof phase !== "string" || typeof deviceUsed !== "number") continue;
    peaks[phase] = Math.max(peaks[phase] ?? 0, deviceUsed);
  }
  return peaks;
};

/** Two jobs or plans side by side: memory by phase (the worst GPU's prediction, the measured peak), speed, host RAM, flags. */
export const compareSides = (a: CompareSide, b: CompareSide): Comparison => {
  const row = (label: string, unit: CompareRow["unit"], read: (side: CompareSide) => number | null | undefined): CompareRow => ({ label, unit, a: read(a) ?? null, b: read(b) ?? null });
  const ranged = (r: CompareRow, read: (side: CompareSide) => Range): CompareRow => ({ ...r, aRange: read(a), bRange: read(b) });
  return {
    memory: [
      ...PHASES.flatMap((phase) => [
        row(`${phase} · predicted`, "bytes", (side) => phaseBytes(side.estimate, phase)),
        row(`${phase} · measured`, "bytes", (side) => side.measured?.phaseBytes[phase]),
      ]),
      row("peak · predicted", "bytes", (side) => worstGpu(side.estimate)?.peakBytes),
      row("peak · measured", "bytes", (side) => side.measured?.peakBytes),
      row("usable VRAM per GPU", "bytes", (side) => worstGpu(side.estimate)?.usableBytes),
    ],
    speed: [
      ranged(row("step · predicted", "seconds", (side) => side.estimate.speed.stepSeconds), (side) => side.estimate.speed.stepSecondsRange),
      ranged(row("video FPS · predicted", "fps", (side) => side.estimate.speed.fps), (side) => side.estimate.speed.fpsRange),
      ranged(row("wall time · predicted", "seconds", (side) => side.estimate.speed.wallSeconds), (side) => side.estimate.speed.wallSecondsRange),
      row("wall time · measured", "seconds", (side) => side.measured?.wallSeconds),
    ],
    hostRam: [
      ...hostRamPhaseNames(a, b).map((phase) => row(`${phase} · predicted`, "bytes", (side) => side.estimate.hostRamPhases.find((p) => p.phase === phase)?.bytes)),
      row("host RAM given", "bytes", (side) => (side.plan.hardware.hostRamGb === null ? null : gbToBytes(side.plan.hardware.hostRamGb))),
    ],
    flags: planDifferences(a.plan, b.plan).map(({ flag, current, value }) => ({ flag, a: current, b: value })),
  };
};
