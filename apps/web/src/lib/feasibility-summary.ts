import { launchReport, planToQuery, type Plan, type ScriptDifference } from "@headroom/estimator";
import type { Check } from "./check-plan.ts";

/** What the public feasibility API answers: the verdict and every GPU's peak, without the per-term detail
 * (a full Estimate serialises to ~45 KB; the terms stay in the playground, the CLI's --json and tRPC). */
export type FeasibilitySummary = {
  estimatorVersion: string;
  /** The resolved plan as playground query flags: `/?<plan>` opens it, `/api/feasibility?<plan>` re-checks it. */
  plan: string;
  status: Check["verdict"]["status"];
  headline: string;
  gpus: {
    rank: number;
    role: string;
    peakBytes: number;
    peakPhase: string;
    usableBytes: number;
    marginBytes: number;
    phaseBytes: Record<string, number>;
  }[];
  hostRamBytes: number;
  /** Point values, and the ranges speed's error bar allows (estimate.speed.fpsRange …). */
  speed: {
    fps: number; stepSeconds: number; wallSeconds: number; offloadShare: number;
    fpsRange: [number, number]; stepSecondsRange: [number, number]; wallSecondsRange: [number, number];
  };
  errorBar: { relative: number; absoluteBytes: number };
  findings: { ruleId: string; severity: string; message: string; cites: string[]; fixes: string[] }[];
  /** LiveAvatar's own command for the plan (the script's example image, audio and prompt) and where it departs from the script. */
  launchCommand: { text: string; script: string; differsFromScript: ScriptDifference[] };
};

/** Whole bytes: the estimate's fractions are formula arithmetic, not information, and print slowly as JSON. */
const bytes = Math.round;

const launchOf = (plan: Plan): FeasibilitySummary["launchCommand"] => {
  const { command, script, differences } = launchReport(plan);
  return { text: command.text, script, differsFromScript: differences };
};

export const feasibilitySummary = (plan: Plan, { estimate, verdict }: Check): FeasibilitySummary => ({
  estimatorVersion: estimate.estimatorVersion,
  plan: planToQuery(plan),
  status: verdict.status,
  headline: verdict.headline,
  gpus: estimate.gpus.map((gpu) => ({
    rank: gpu.rank,
    role: gpu.role,
    peakBytes: bytes(gpu.peakBytes),
    peakPhase: gpu.peakPhase,
    usableBytes: bytes(gpu.usableBytes),
    marginBytes: bytes(gpu.marginBytes),
    phaseBytes: Object.fromEntries(gpu.phases.map((phase) => [phase.phase, bytes(phase.totalBytes)])),
  })),
  hostRamBytes: bytes(estimate.hostRamBytes),
  speed: {
    fps: estimate.speed.fps, stepSeconds: estimate.speed.stepSeconds, wallSeconds: estimate.speed.wallSeconds, offloadShare: estimate.speed.offloadShare,
    fpsRange: estimate.speed.fpsRange, stepSecondsRange: estimate.speed.stepSecondsRange, wallSecondsRange: estimate.speed.wallSecondsRange,
  },
  errorBar: { relative: estimate.errorBar.relative, absoluteBytes: estimate.errorBar.absoluteBytes },
  findings: verdict.findings.map((finding) => ({ ruleId: finding.ruleId, severity: finding.severity, message: finding.message, cites: finding.cites, fixes: finding.fixes.map((fix) => fix.label) })),
  launchCommand: launchOf(plan),
});
