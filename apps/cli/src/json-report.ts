import type { Estimate, LaunchReport, MeasuredNeighbour, Plan } from "@headroom/estimator";
import { toJsonLaunch } from "./launch-report.ts";

/** What --json needs from a suggestion: the rules' Suggestion has at least these. */
export type SuggestionInput = {
  plan: Plan;
  patch?: unknown;
  changes: readonly string[];
  hardwareChanges: readonly string[];
  flagChanges: readonly string[];
  group: string;
  dollarsPerVideoMinute: number | null;
  tags: readonly string[];
  verdict: { status: string };
  estimate: Estimate;
};

export type JsonReportInput<V> = {
  plan: Plan; estimate: Estimate; verdict: V; suggestions: readonly SuggestionInput[] | null; measured?: readonly MeasuredNeighbour[]; launch?: LaunchReport;
};

/** Plan, estimate and verdict in full; each suggestion with its plan and the estimate's headline numbers. */
export const toJsonReport = <V>(input: JsonReportInput<V>) => ({
  plan: input.plan,
  estimate: input.estimate,
  verdict: input.verdict,
  nearestMeasurements: input.measured ?? [],
  suggestions: (input.suggestions ?? []).map((s) => ({
    changes: s.changes,
    group: s.group,
    hardwareChanges: s.hardwareChanges,
    flagChanges: s.flagChanges,
    dollarsPerVideoMinute: s.dollarsPerVideoMinute,
    tags: s.tags,
    verdict: s.verdict,
    patch: s.patch ?? null,
    plan: s.plan,
    estimate: {
      gpus: s.estimate.gpus.map(({ rank, role, peakBytes, peakPhase, usableBytes, marginBytes }) =>
        ({ rank, role, peakBytes, peakPhase, usableBytes, marginBytes })),
      worstRank: s.estimate.worstRank,
      hostRamBytes: s.estimate.hostRamBytes,
      speed: {
        stepSeconds: s.estimate.speed.stepSeconds, clipSeconds: s.estimate.speed.clipSeconds, fps: s.estimate.speed.fps, wallSeconds: s.estimate.speed.wallSeconds,
        fpsRange: s.estimate.speed.fpsRange, stepSecondsRange: s.estimate.speed.stepSecondsRange, wallSecondsRange: s.estimate.speed.wallSecondsRange,
      },
    },
  })),
  suggestionsSkipped: input.suggestions === null,
  launchCommand: input.launch ? toJsonLaunch(input.launch) : null,
});

/** JSON has no Infinity or NaN; write them as null rather than failing. */
export const stringifyReport = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
