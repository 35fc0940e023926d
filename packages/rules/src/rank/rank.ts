import {
  applyPatch, dollarsPerHour, dollarsPerVideoMinute, estimate, GPU_CATALOG, GPU_IDS, GPU_PRICES,
  type GpuId, type GpuPrice, type MeasuredRun, type Plan, type Range,
} from "@headroom/estimator";
import { evaluate } from "../evaluate.ts";
import { LIVEAVATAR_RULES } from "../liveavatar-rules.ts";
import { statusRank, type Rule, type VerdictStatus } from "../rule.ts";
import { speedShownAs, type SpeedShown } from "../speed-display.ts";
import { RANK_COUNTS, RANK_LAYOUTS } from "./layouts.ts";

export type RankRow = {
  gpu: GpuId;
  gpuName: string;
  count: number;
  layout: string;
  isUpstreamLayout: boolean;
  plan: Plan;
  status: VerdictStatus;
  headline: string;
  /** The fullest GPU's peak and what that GPU offers. */
  peakBytes: number;
  usableBytes: number;
  /** The point value, for sorting and JSON; show fpsRange, and only as speedShown says. */
  fps: number;
  fpsRange: Range;
  speedShown: SpeedShown;
  price: GpuPrice | null;
  dollarsPerHour: number | null;
  /** Only where speed is shown as a range: an OOM or invalid plan makes no video to price. */
  dollarsPerVideoMinute: number | null;
  dollarsPerVideoMinuteRange: Range | null;
};

export type RankOrder = "cost" | "fps";
/** measured: the committed runs, so a row whose plan was measured out of memory is risky, as evaluate() makes it. */
export type RankOptions = { by?: RankOrder; rules?: readonly Rule[]; measured?: readonly MeasuredRun[] };

const rowFor = (plan: Plan, gpu: GpuId, count: (typeof RANK_COUNTS)[number], rules: readonly Rule[], measured: readonly MeasuredRun[]): RankRow => {
  const layout = RANK_LAYOUTS[count];
  const onGpu = applyPatch(plan, { hardware: { gpu, custom: null } });
  const candidate = applyPatch(onGpu, layout.patch(onGpu));
  const est = estimate(candidate);
  const verdict = evaluate(candidate, est, rules, measured);
  const worst = est.gpus[est.worstRank]!;
  const { speed } = est;
  const speedShown = speedShownAs(verdict.status);
  const perMinute = speedShown === "range" ? dollarsPerVideoMinute(candidate, speed) : null;
  const wallToMinute = perMinute === null ? null : perMinute / speed.wallSeconds;
  return {
    gpu,
    gpuName: GPU_CATALOG[gpu].name,
    count,
    layout: layout.label,
    isUpstreamLayout: layout.isUpstream,
    plan: candidate,
    status: verdict.status,
    headline: verdict.headline,
    peakBytes: worst.peakBytes,
    usableBytes: worst.usableBytes,
    fps: speed.fps,
    fpsRange: speed.fpsRange,
    speedShown,
    price: GPU_PRICES[gpu],
    dollarsPerHour: dollarsPerHour(candidate),
    dollarsPerVideoMinute: perMinute,
    dollarsPerVideoMinuteRange: wallToMinute === null ? null : [speed.wallSecondsRange[0] * wallToMinute, speed.wallSecondsRange[1] * wallToMinute],
  };
};

const nullsLast = (a: number | null, b: number | null): number => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b);
const byCost = (a: RankRow, b: RankRow): number => nullsLast(a.dollarsPerVideoMinute, b.dollarsPerVideoMinute) || b.fps - a.fps;
const byFps = (a: RankRow, b: RankRow): number => b.fps - a.fps || nullsLast(a.dollarsPerVideoMinute, b.dollarsPerVideoMinute);
const WITHIN_STATUS: Record<RankOrder, (a: RankRow, b: RankRow) => number> = { cost: byCost, fps: byFps };

/**
 * "Which GPUs?": the plan's parameters on every catalog GPU at 1, 2, 4, 5 and 8 GPUs, in the layout upstream runs at
 * that count. Best first: by verdict (statusRank: runs before tight before out of memory before invalid), then by $ per
 * minute of video (unpriced last) or by FPS. Pure and deterministic; 55 estimates.
 */
export const rank = (plan: Plan, options: RankOptions = {}): RankRow[] => {
  const rules = options.rules ?? LIVEAVATAR_RULES;
  const within = WITHIN_STATUS[options.by ?? "cost"];
  const measured = options.measured ?? [];
  const rows = GPU_IDS.flatMap((gpu) => RANK_COUNTS.map((count) => rowFor(plan, gpu, count, rules, measured)));
  return rows.sort((a, b) => statusRank(a.status) - statusRank(b.status) || within(a, b) || GPU_IDS.indexOf(a.gpu) - GPU_IDS.indexOf(b.gpu) || a.count - b.count);
};
