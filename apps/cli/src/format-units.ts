/** Three significant figures, without exponent noise for ordinary values. */
export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
};

/** A duration a person reads at a glance: "42 s", "3 min 12 s", "2 h 05 min", "3.2 days". */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  if (whole < 48 * 3600) return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
  return `${(seconds / 86400).toFixed(1)} days`;
};

export const formatPercent = (ratio: number): string => `${Math.round(ratio * 100)} %`;

export type Align = "left" | "right";

/** Pads columns to their widest cell; numbers read best right-aligned. */
export const formatTable = (rows: readonly (readonly string[])[], align: readonly Align[], indent = "  "): string[] => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    (indent + row.map((cell, i) => pad(cell, widths[i] ?? 0, align[i] ?? "left")).join("  ")).trimEnd(),
  );
};

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string): number => text.replace(ANSI, "").length;

const pad = (cell: string, width: number, align: Align): string => {
  const fill = " ".repeat(Math.max(0, width - visibleLength(cell)));
  return align === "right" ? fill + cell : cell + fill;
};

/** ANSI styling, or none at all when stdout is not a terminal. */
export type Paint = Record<"bold" | "dim" | "red" | "yellow" | "green", (text: string) => string>;

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

export const makePaint = (color: boolean): Paint =>
  color
    ? { bold: ansi(1), dim: ansi(2), red: ansi(31), yellow: ansi(33), green: ansi(32) }
    : { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };
