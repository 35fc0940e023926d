import { formatGib, type Estimate, type GpuEstimate, type Source } from "@headroom/estimator";
import { memorySegments } from "./memory-segments.ts";
import { SOURCE_KIND_LABEL } from "./format.ts";
import { SourceTag } from "./source-tag.tsx";
import { termColor } from "./term-colors.ts";

/** Ranks with the same role have the same memory: one row per run of them (5 × 4090 → "GPU 0–3 dit", "GPU 4 vae"). */
export const groupRanks = (gpus: readonly GpuEstimate[]): { ranks: number[]; gpu: GpuEstimate }[] => {
  const groups: { ranks: number[]; gpu: GpuEstimate }[] = [];
  for (const gpu of gpus) {
    const last = groups.at(-1);
    if (last && last.gpu.role === gpu.role && last.gpu.peakBytes === gpu.peakBytes) last.ranks.push(gpu.rank);
    else groups.push({ ranks: [gpu.rank], gpu });
  }
  return groups;
};

const rankLabel = (ranks: number[]) => (ranks.length === 1 ? `GPU ${ranks[0]}` : `GPU ${ranks[0]}–${ranks.at(-1)}`);

/** One GPU's bar at its peak phase, stacked by term, against usable VRAM (the vertical line). */
export function MemoryBar({ gpu, ranks, scale }: { gpu: GpuEstimate; ranks: number[]; scale: number }) {
  const segments = memorySegments(gpu);
  const usableAt = (1 / scale) * 100;
  const isOver = gpu.marginBytes < 0;
  return (
    <div className="membar" data-testid="memory-bar" data-rank={ranks[0]} data-peak-phase={gpu.peakPhase}>
      <div className="membar-label">
        <b>{rankLabel(ranks)}</b> <span className="muted">{gpu.role}</span>
      </div>
      <div className="membar-track">
        {segments.map((segment) => (
          <div
            key={segment.id}
            className={`membar-seg${segment.isTransient ? " is-transient" : ""}`}
            style={{ width: `${(segment.share / scale) * 100}%`, background: termColor(segment.id) }}
            title={`${segment.label}: ${formatGib(segment.bytes, 2)} (${segment.isTransient ? "transient" : "resident"}; source: ${SOURCE_KIND_LABEL[segment.sourceKind]})`}
          />
        ))}
        {isOver && <div className="membar-overflow" style={{ left: `${usableAt}%`, width: `${100 - usableAt}%` }} />}
        <div className="membar-usable" style={{ left: `${usableAt}%` }} title={`usable VRAM ${formatGib(gpu.usableBytes, 2)}`} />
      </div>
      <div className={`membar-peak${isOver ? " is-over" : ""}`}>
        <span className="peak-mark" data-testid="peak-phase">▲ peak: {gpu.peakPhase}</span>{" "}
        <b>{formatGib(gpu.peakBytes)}</b> / {formatGib(gpu.usableBytes)}
      </div>
      <PhaseStrip gpu={gpu} />
    </div>
  );
}

/** Every phase's total for this GPU; the peak phase is marked. */
function PhaseStrip({ gpu }: { gpu: GpuEstimate }) {
  return (
    <div className="phases">
      {gpu.phases.map((phase) => {
        const share = Math.min(phase.totalBytes / gpu.usableBytes, 1.5);
        const isPeak = phase.phase === gpu.peakPhase;
        return (
          <div key={phase.phase} className={`phase${isPeak ? " is-peak" : ""}${phase.totalBytes > gpu.usableBytes ? " is-over" : ""}`} title={`${phase.phase}: resident ${formatGib(phase.residentBytes, 2)} + transient ${formatGib(phase.transientBytes, 2)}`}>
            <span className="phase-name">{isPeak ? "▲ " : ""}{phase.phase}</span>
            <span className="phase-track"><span className="phase-fill" style={{ width: `${(share / 1.5) * 100}%` }} /></span>
            <span className="phase-value">{formatGib(phase.totalBytes)}</span>
          </div>
        );
      })}
    </div>
  );
}

/** Every GPU's bar on one scale, with a legend of the terms and where each number comes from. */
export function MemoryBars({ estimate, usableSource }: { estimate: Estimate; usableSource: Source }) {
  const groups = groupRanks(estimate.gpus);
  const maxShare = Math.max(1, ...estimate.gpus.map((gpu) => gpu.peakBytes / gpu.usableBytes));
  const scale = maxShare * 1.04;
  const legend = new Map<string, { label: string; source: Source; bytes: number; isTransient: boolean }>();
  for (const { gpu } of groups) {
    const phase = gpu.phases.find((candidate) => candidate.phase === gpu.peakPhase);
    for (const term of phase?.terms ?? []) {
      if (term.value <= 0) continue;
      const seen = legend.get(term.id);
      legend.set(term.id, { label: term.label, source: term.source, bytes: Math.max(seen?.bytes ?? 0, term.value), isTransient: term.kind === "transient" });
    }
  }
  const usable = estimate.gpus[0]?.usableBytes ?? 0;
  return (
    <div className="membars">
      {groups.map(({ ranks, gpu }) => (
        <MemoryBar key={ranks[0]} gpu={gpu} ranks={ranks} scale={scale} />
      ))}
      <table className="legend">
        <tbody>
          {[...legend.entries()].map(([id, entry]) => (
            <tr key={id}>
              <td><span className={`swatch${entry.isTransient ? " is-transient" : ""}`} style={{ background: termColor(id) }} /></td>
              <td>{entry.label}</td>
              <td className="num">{formatGib(entry.bytes, 2)}</td>
              <td><SourceTag source={entry.source} /></td>
            </tr>
          ))}
          <tr>
            <td><span className="swatch swatch-usable" /></td>
            <td>usable VRAM per GPU</td>
            <td className="num">{formatGib(usable, 2)}</td>
            <td><SourceTag source={usableSource} /></td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
