import { formatDollars, formatFpsRange, formatGibValue, GPU_PRICES, PRICES_READ_ON, roundRange, type Range } from "@headroom/estimator";
import type { RankOrder, RankRow } from "@headroom/rules";
import { formatTable, type Paint } from "./format-units.ts";
import { paintStatus } from "./format-report.ts";

/** What a row's speed may say: a range where the plan runs, "if it fit" where it runs out of memory, nothing where invalid. */
const SPEED_CELL: Record<RankRow["speedShown"], (row: RankRow) => string> = {
  range: (row) => formatFpsRange(row.fpsRange),
  "if-it-fit": (row) => `(if it fit: ${formatFpsRange(row.fpsRange)})`,
  hidden: () => "-",
};

/** Rounded like speed (the cost is wall time × price): "$0.4–2.3". */
const dollarRange = (range: Range): string => {
  const [low, high] = roundRange(range);
  return low === high ? `$${low}` : `$${low}–${high}`;
};

const perMinute = (row: RankRow): string =>
  row.dollarsPerVideoMinute === null || row.dollarsPerVideoMinuteRange === null ? "-" : `${dollarRange(row.dollarsPerVideoMinuteRange)}`;

/** Every GPU × count, best first, then where each price comes from. */
export const formatRank = (rows: readonly RankRow[], by: RankOrder, paint: Paint): string => {
  const header = ["#", "GPUs", "layout", "verdict", "peak GiB", "speed", "$/hour", "$/video min"].map(paint.dim);
  const body = rows.map((row, i) => [
    String(i + 1),
    `${row.count} × ${row.gpu}`,
    row.isUpstreamLayout ? row.layout : paint.dim(row.layout),
    paintStatus(row.status, paint),
    row.isUpstreamLayout ? `${formatGibValue(row.peakBytes)} / ${formatGibValue(row.usableBytes)}` : "-",
    SPEED_CELL[row.speedShown](row),
    row.dollarsPerHour === null ? "no price" : formatDollars(row.dollarsPerHour),
    perMinute(row),
  ]);
  const priced = Object.entries(GPU_PRICES).flatMap(([gpu, price]) =>
    price === null ? [`  ${gpu}: no public on-demand price found`] : [`  ${gpu}: $${price.usdPerGpuHour}/GPU-hour, ${price.provider} ${price.product}, ${price.url} (as of ${price.pricedOn})`]);
  return [
    `${paint.bold("Which GPUs?")}  every catalog GPU at 1, 2, 4, 5 and 8, best first (verdict, then ${by === "cost" ? "$ per minute of video" : "FPS"})`,
    ...formatTable([header, ...body], ["right", "left", "left", "left", "right", "left", "right", "right"]),
    "",
    paint.dim("Speed and cost are ranges from speed's error bar; $/video min is the whole run (start-up included) over the video it makes."),
    paint.bold(`Prices (on-demand, per GPU-hour; copies read ${PRICES_READ_ON})`),
    ...priced,
  ].join("\n");
};

/** --json: every row with its plan, the point values and the ranges. */
export const toJsonRank = (rows: readonly RankRow[], by: RankOrder) => ({
  by,
  pricesReadOn: PRICES_READ_ON,
  rows: rows.map((row) => ({
    gpu: row.gpu,
    gpuName: row.gpuName,
    count: row.count,
    layout: row.layout,
    isUpstreamLayout: row.isUpstreamLayout,
    status: row.status,
    headline: row.headline,
    peakBytes: row.peakBytes,
    usableBytes: row.usableBytes,
    speedShown: row.speedShown,
    fps: row.fps,
    fpsRange: row.fpsRange,
    dollarsPerHour: row.dollarsPerHour,
    dollarsPerVideoMinute: row.dollarsPerVideoMinute,
    dollarsPerVideoMinuteRange: row.dollarsPerVideoMinuteRange,
    price: row.price,
    plan: row.plan,
  })),
});
