import { GIB, PLAN_FIELDS, roundRange, type ErrorBar, type Range, type SourceKind } from "@headroom/estimator";

export const formatFps = (fps: number): string => `${fps < 0.1 ? fps.toFixed(3) : fps.toFixed(2)} FPS`;

/** Seconds to days: one readable unit, two where it matters (1 h 05 min). */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)} h ${String(Math.round((seconds % 3600) / 60)).padStart(2, "0")} min`;
  return `${(seconds / 86400).toFixed(1)} days`;
};

/** A seconds range rounded outward to what speed's error bar supports: "0.4–2.6 s", "3 min 20 s – 20 min 00 s". */
export const formatDurationRange = (range: Range): string => {
  const [low, high] = roundRange(range);
  if (high < 120) return low === high ? `${low} s` : `${low}–${high} s`;
  return `${low < 120 ? `${low} s` : formatDuration(low)} – ${formatDuration(high)}`;
};

/** The stated error bar, as every report prints it: "±max(3 %, 0.5 GiB)". */
export const formatErrorBar = (bar: ErrorBar): string =>
  `±max(${+(bar.relative * 100).toFixed(1)} %, ${+(bar.absoluteBytes / GIB).toFixed(2)} GiB)`;

export const SOURCE_KIND_LABEL: Record<SourceKind, string> = {
  architecture: "architecture",
  upstream: "upstream",
  measurement: "measurement",
  "field-report": "field report",
  datasheet: "datasheet",
  assumption: "assumption",
};

/** A finding's path (["params","numClip"]) as the upstream flag a person types: "--num_clip". */
export const flagForPath = (path: readonly string[]): string | null => {
  const key = path.at(-1);
  if (!key) return null;
  const field = PLAN_FIELDS.find((candidate) => candidate.key === key && (path.length < 2 || candidate.group === path[0] || candidate.group === "custom"));
  return field ? `--${field.flag}` : null;
};
