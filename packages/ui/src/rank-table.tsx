"use client";

import { formatDollars, formatFpsRange, formatGib, GPU_PRICES, PRICES_READ_ON, roundRange, type Range } from "@headroom/estimator";
import type { RankOrder, RankRow } from "@headroom/rules";
import { useState } from "react";
import { STATUS_LABEL } from "./verdict-banner.tsx";

const dollarRange = (range: Range): string => {
  const [low, high] = roundRange(range);
  return low === high ? `$${low}` : `$${low}–${high}`;
};

/** Speed as the verdict allows: a range where the plan runs, "if it fit" where it runs out of memory, nothing where invalid. */
const SPEED_CELL: Record<RankRow["speedShown"], (row: RankRow) => string> = {
  range: (row) => formatFpsRange(row.fpsRange),
  "if-it-fit": (row) => `if it fit: ${formatFpsRange(row.fpsRange)}`,
  hidden: () => "—",
};

/** Column names: the table's header, and each value's label where a narrow panel shows the rows as cards (styles.css). */
const LABEL = { layout: "layout", verdict: "verdict", peak: "peak / usable", speed: "speed", hour: "$/hour", minute: "$/video min" } as const;

type RankTableProps = {
  rows: readonly RankRow[];
  by: RankOrder;
  onOrder?: (by: RankOrder) => void;
  onApply?: (row: RankRow) => void;
  /** Rows to show before "show all" (every GPU × count is 55). */
  limit?: number;
  isPending?: boolean;
};

/** "Which GPUs?": the plan's parameters on every catalog GPU at 1, 2, 4, 5 and 8, best first, with what each costs. */
export function RankTable({ rows, by, onOrder, onApply, limit = 12, isPending = false }: RankTableProps) {
  const [isAll, setAll] = useState(false);
  if (rows.length === 0) return <p className="muted small">{isPending ? "Ranking every GPU…" : "Nothing to rank."}</p>;
  const priced = Object.entries(GPU_PRICES).filter(([, price]) => price !== null);
  return (
    <div className="panel-body rank">
      <p className="muted small rank-intro">
        Best first: verdict, then {by === "cost" ? "$ per minute of video (the whole run, start-up included)" : "FPS"}.{" "}
        {onOrder && (
          <button type="button" className="btn btn-sm" data-testid="rank-order" onClick={() => onOrder(by === "cost" ? "fps" : "cost")}>
            order by {by === "cost" ? "FPS" : "cost"}
          </button>
        )}
      </p>
      {/* The explicit roles keep the table a table for screen readers where styles.css lays the rows out as cards
          (a narrow panel): some browsers drop table semantics once a table's parts get another `display`. */}
      <table className="terms rank-table" data-testid="rank-table" role="table">
        <thead role="rowgroup">
          <tr role="row">
            <th role="columnheader">GPUs</th><th role="columnheader">{LABEL.layout}</th><th role="columnheader">{LABEL.verdict}</th>
            <th role="columnheader" className="num">{LABEL.peak}</th><th role="columnheader">{LABEL.speed}</th>
            <th role="columnheader" className="num">{LABEL.hour}</th><th role="columnheader" className="num">{LABEL.minute}</th>
            <th role="columnheader"><span className="rank-sr-only">use this plan</span></th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row, i) => (
            <tr key={`${row.gpu}-${row.count}`} role="row" data-testid="rank-row" data-gpu={row.gpu} data-count={row.count} data-status={row.status} hidden={!isAll && i >= limit}>
              <td role="cell" className="rank-gpu"><b>{row.count} × {row.gpu}</b></td>
              <td role="cell" className={row.isUpstreamLayout ? "rank-layout" : "rank-layout muted"}>{row.layout}</td>
              <td role="cell" className="rank-verdict"><span className={`pill pill-${row.status}`} title={row.headline}>{STATUS_LABEL[row.status]}</span></td>
              <td role="cell" className="num rank-value" data-label={LABEL.peak}>{row.isUpstreamLayout ? `${formatGib(row.peakBytes)} / ${formatGib(row.usableBytes)}` : "—"}</td>
              <td role="cell" className="rank-value" data-label={LABEL.speed} data-testid="rank-speed">{SPEED_CELL[row.speedShown](row)}</td>
              <td role="cell" className="num rank-value" data-label={LABEL.hour}>{row.dollarsPerHour === null ? <span className="muted">no price</span> : formatDollars(row.dollarsPerHour)}</td>
              <td role="cell" className="num rank-value" data-label={LABEL.minute} data-testid="rank-cost">{row.dollarsPerVideoMinuteRange === null ? "—" : dollarRange(row.dollarsPerVideoMinuteRange)}</td>
              <td role="cell" className="rank-use">
                {onApply && row.isUpstreamLayout && (
                  <button type="button" className="btn btn-sm" onClick={() => onApply(row)} data-testid="rank-apply" aria-label={`Use ${row.count} × ${row.gpu}`}>Use</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && (
        <button type="button" className="btn btn-sm rank-more" data-testid="rank-all" onClick={() => setAll(!isAll)}>
          {isAll ? `show the first ${limit}` : `show all ${rows.length} (every GPU at 1, 2, 4, 5 and 8)`}
        </button>
      )}
      <details className="small muted rank-prices" data-testid="rank-prices">
        <summary>Prices: on-demand $/GPU-hour, {priced.length} of {Object.keys(GPU_PRICES).length} GPUs priced (copies read {PRICES_READ_ON})</summary>
        <ul>
          {Object.entries(GPU_PRICES).map(([gpu, price]) => (
            <li key={gpu}>
              <b>{gpu}</b>:{" "}
              {price === null ? "no public on-demand price found" : <>${price.usdPerGpuHour} · {price.provider} {price.product} · <a href={price.url}>{price.url}</a> (as of {price.pricedOn})</>}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
