import { formatFpsRange, type Range } from "@headroom/estimator";
import { formatDuration, formatDurationRange, formatFps, Panel } from "@headroom/ui";
import Link from "next/link";
import { describePlan } from "@/lib/describe-plan";
import type { CompareRow, CompareSide, Comparison } from "@/lib/compare-jobs";
import { gib } from "@/lib/format";

const show = (row: CompareRow, value: number | null, range: Range | undefined): string => {
  if (value === null) return "—";
  if (row.unit === "bytes") return gib(value);
  if (range) return row.unit === "seconds" ? formatDurationRange(range) : formatFpsRange(range);
  return row.unit === "seconds" ? formatDuration(value) : formatFps(value);
};

/** b against a, where both are numbers: "+12.0 %". */
const change = (row: CompareRow): string => (row.a === null || row.b === null || row.a === 0 ? "" : `${row.b >= row.a ? "+" : ""}${(((row.b - row.a) / row.a) * 100).toFixed(1)} %`);

function Rows({ rows, testId }: { rows: CompareRow[]; testId: string }) {
  return (
    <table className="data" data-testid={testId}>
      <thead><tr><th /><th className="num">A</th><th className="num">B</th><th className="num">B vs A</th></tr></thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label}><td>{row.label}</td><td className="num">{show(row, row.a, row.aRange)}</td><td className="num">{show(row, row.b, row.bRange)}</td><td className="num small muted">{change(row)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

/** Two jobs (or saved checks) side by side; a side without a measurement says why. */
export function JobCompare({ a, b, comparison }: { a: CompareSide & { href: string; note: string }; b: CompareSide & { href: string; note: string }; comparison: Comparison }) {
  return (
    <div className="compare" data-testid="compare">
      <div className="compare-heads">
        {([["A", a], ["B", b]] as const).map(([letter, side]) => (
          <div key={letter} className="panel compare-head" data-testid={`compare-head-${letter}`}>
            <div className="small muted">{letter} · <Link href={side.href}>{side.label}</Link></div>
            <b>{describePlan(side.plan)}</b>
            <div className="small muted">{side.note}</div>
          </div>
        ))}
      </div>
      <Panel title="Flags that differ" testId="compare-flags">
        {comparison.flags.length === 0 ? (
          <div className="empty">The two plans are the same.</div>
        ) : (
          <table className="data">
            <thead><tr><th>Flag</th><th>A</th><th>B</th></tr></thead>
            <tbody>{comparison.flags.map((flag) => <tr key={flag.flag}><td><code>--{flag.flag}</code></td><td>{flag.a}</td><td>{flag.b}</td></tr>)}</tbody>
          </table>
        )}
      </Panel>
      <Panel title="GPU memory by phase (the worst GPU)"><Rows rows={comparison.memory} testId="compare-memory" /></Panel>
      <Panel title="Speed"><Rows rows={comparison.speed} testId="compare-speed" /></Panel>
      <Panel title="Host RAM"><Rows rows={comparison.hostRam} testId="compare-host-ram" /></Panel>
    </div>
  );
}
