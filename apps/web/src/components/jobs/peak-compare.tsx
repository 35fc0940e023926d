import { gib } from "@/lib/format";

/** Predicted and measured peak (and the usable VRAM) as bars on one scale, so a 0.9 MiB reading cannot pass for a match. */
export function PeakCompare({ predicted, measured, usable }: { predicted: number | null; measured: number | null; usable: number | null }) {
  const rows = [
    { key: "predicted", label: "Predicted peak", bytes: predicted },
    { key: "measured", label: "Measured peak", bytes: measured },
    { key: "usable", label: "Usable VRAM", bytes: usable },
  ].filter((row): row is { key: string; label: string; bytes: number } => row.bytes !== null);
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((row) => row.bytes));
  return (
    <div className="peak-compare" data-testid="peak-compare">
      {rows.map((row) => (
        <div key={row.key} className="peak-row">
          <span className="peak-label">{row.label}</span>
          <span className="peak-track"><span className={`peak-bar peak-${row.key}`} style={{ width: `${max > 0 ? Math.max(0.5, (row.bytes / max) * 100) : 0}%` }} /></span>
          <span className="peak-value">{gib(row.bytes)}</span>
        </div>
      ))}
    </div>
  );
}
