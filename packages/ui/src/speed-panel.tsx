import { formatFpsRange, formatGbInput, formatGib, GB, type Estimate, type Term } from "@headroom/estimator";
import { speedShownAs } from "@headroom/rules";
import { formatDuration, formatDurationRange } from "./format.ts";
import { SourceTag } from "./source-tag.tsx";

/**
 * Seconds per step and clip, FPS and wall time as the ranges speed's error bar allows, with the terms they were
 * computed from. A plan that runs out of memory shows them "if it fit"; an invalid one shows none.
 */
export function SpeedPanel({ estimate, status = "runs" }: { estimate: Estimate; status?: string }) {
  const { speed } = estimate;
  const shown = speedShownAs(status);
  if (shown === "hidden") {
    return (
      <div className="panel-body">
        <p className="muted small" data-testid="speed-hidden">No speed: upstream would not run this plan as it stands.</p>
      </div>
    );
  }
  const compute = speed.terms.find((term) => term.id === "dit-compute");
  const bar = speed.speedErrorBar;
  return (
    <div className="panel-body" data-testid="speed-panel" data-shown={shown}>
      {shown === "if-it-fit" && <p className="small muted"><b>If it fit</b> — the plan runs out of memory, so it makes no video at all.</p>}
      <dl className="stats">
        <Stat label="FPS" value={formatFpsRange(speed.fpsRange)} term={compute} testId="fps" />
        <Stat label="per step" value={formatDurationRange(speed.stepSecondsRange)} term={compute} />
        <Stat label="per clip" value={formatDurationRange([speed.clipSeconds / bar.faster, speed.clipSeconds * bar.slower])} term={compute} />
        <Stat label="clips" value={String(speed.clips)} />
        <Stat label="video" value={formatDuration(speed.videoSeconds)} />
        <Stat label="wall time" value={formatDurationRange(speed.wallSecondsRange)} term={compute} testId="wall-time" />
      </dl>
      <p className="small muted" data-testid="speed-bar">
        Error bar ({bar.regime}-bound): up to {bar.slower}× slower and {bar.faster}× faster than the point estimate
        ({speed.fps.toPrecision(3)} FPS) — the estimator&apos;s widest miss on every published or measured speed observation (<a href="/evidence#speed">see them</a>). <SourceTag source={bar.source} />
      </p>
      {speed.offloadShare > 0 && (
        <p className="small muted">{Math.round(speed.offloadShare * 100)} % of each forward moves weights or caches over PCIe or between GPUs.</p>
      )}
      <TermTable terms={speed.terms} unit="seconds" />
    </div>
  );
}

function Stat({ label, value, term, testId }: { label: string; value: string; term?: Term | undefined; testId?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {value} {term && <SourceTag source={term.source} />}
      </dd>
    </div>
  );
}

/** Host RAM at the run's peak against what the plan's host has; with no host given, what the run needs. */
export function HostRamPanel({ estimate, hostRamGb }: { estimate: Estimate; hostRamGb: number | null }) {
  const needed = <b>{formatGib(estimate.hostRamBytes)}</b>;
  if (hostRamGb === null) {
    return (
      <div className="panel-body">
        <p className="hostram" data-testid="host-ram" data-given="false">
          <span>Needs {needed} — how much RAM does the host have?</span>
        </p>
        <TermTable terms={estimate.hostRamTerms} unit="bytes" />
      </div>
    );
  }
  const share = estimate.hostRamBytes / (hostRamGb * GB);
  return (
    <div className="panel-body">
      <div className="hostram">
        <div className="hostram-track">
          <div className={`hostram-fill${share > 1 ? " is-over" : ""}`} style={{ width: `${Math.min(share, 1) * 100}%` }} />
        </div>
        <span data-testid="host-ram" data-given="true">
          {needed} of {formatGbInput(hostRamGb)} installed
        </span>
      </div>
      <TermTable terms={estimate.hostRamTerms} unit="bytes" />
    </div>
  );
}

export function TermTable({ terms, unit }: { terms: readonly Term[]; unit: "bytes" | "seconds" }) {
  const shown = terms.filter((term) => term.value > 0);
  if (shown.length === 0) return null;
  return (
    <table className="terms">
      <tbody>
        {shown.map((term) => (
          <tr key={term.id}>
            <td>{term.label}</td>
            <td className="num">{unit === "bytes" ? formatGib(term.value, 2) : formatDuration(term.value)}</td>
            <td><SourceTag source={term.source} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
