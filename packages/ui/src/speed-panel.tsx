import { formatGbInput, formatGib, GB, type Estimate, type Term } from "@headroom/estimator";
import { formatDuration, formatFps } from "./format.ts";
import { SourceTag } from "./source-tag.tsx";

/** Seconds per step and clip, FPS and wall time, with the terms they were computed from. */
export function SpeedPanel({ estimate }: { estimate: Estimate }) {
  const { speed } = estimate;
  const compute = speed.terms.find((term) => term.id === "dit-compute");
  return (
    <div className="panel-body">
      <dl className="stats">
        <Stat label="FPS" value={formatFps(speed.fps)} term={compute} testId="fps" />
        <Stat label="per step" value={formatDuration(speed.stepSeconds)} term={compute} />
        <Stat label="per clip" value={formatDuration(speed.clipSeconds)} term={compute} />
        <Stat label="clips" value={String(speed.clips)} />
        <Stat label="video" value={formatDuration(speed.videoSeconds)} />
        <Stat label="wall time" value={formatDuration(speed.wallSeconds)} term={compute} testId="wall-time" />
      </dl>
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
