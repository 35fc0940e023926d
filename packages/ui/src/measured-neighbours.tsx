import { ERROR_BAR, ESTIMATOR_VERSION, formatGib, formatSignedGibValue, type MeasuredNeighbour } from "@headroom/estimator";
import { formatErrorBar } from "./format.ts";

const MEASUREMENTS_DIR = "data/measurements";

const formatSignedGib = (bytes: number): string => `${formatSignedGibValue(bytes)} GiB`;

const capLabel = (capBytes: number | null): string => (capBytes === null ? "uncapped" : `cap ${formatGib(capBytes, 2)}`);

/** What the run measured against what Headroom predicts for that same run, and whether the error bar held. */
function Outcome({ neighbour: n }: { neighbour: MeasuredNeighbour }) {
  if (n.peak) {
    const { peak } = n;
    return (
      <div className="measured-facts">
        <span>measured <b data-testid="measured-peak">{formatGib(peak.measuredBytes, 2)}</b> at <b>{peak.phase}</b>{n.ranks > 1 ? ` (GPU ${peak.rank} of ${n.ranks})` : ""}</span>
        <span>predicted <b>{formatGib(peak.predictedBytes, 2)}</b></span>
        <span className={`measured-error ${peak.isWithin ? "is-within" : "is-outside"}`} title={`predicted − measured, against ${formatErrorBar(ERROR_BAR)} of the measured peak`}>
          {formatSignedGib(peak.errorBytes)} of ±{formatGib(peak.allowedBytes, 2)} · {peak.isWithin ? "within the bar" : "outside the bar"}
        </span>
      </div>
    );
  }
  const predicted = n.predictedFits ? "predicted to fit" : `predicted OOM at ${n.predictedOomPhase ?? "?"}`;
  return (
    <div className="measured-facts">
      <span>ran out of memory at <b>{n.measuredOomPhase ?? "?"}</b></span>
      <span>{predicted}</span>
      <span className={`measured-error ${n.verdictAgrees ? "is-within" : "is-outside"}`}>{n.verdictAgrees ? "verdict agrees" : "verdict disagrees"}</span>
    </div>
  );
}

/** The committed probe runs nearest to a plan: where each ran, what it measured, what was predicted, how its plan differs. */
export function MeasuredNeighbours({ neighbours }: { neighbours: readonly MeasuredNeighbour[] }) {
  if (neighbours.length === 0) return <p className="muted small">No committed measurements could be read from {MEASUREMENTS_DIR}.</p>;
  return (
    <div className="panel-body">
      <p className="muted small measured-intro">
        Probe runs committed under <code>{MEASUREMENTS_DIR}</code> closest to this plan; each run&apos;s prediction is by estimator {ESTIMATOR_VERSION}.
      </p>
      <ol className="measured-list" data-testid="measured-neighbours">
        {neighbours.map((n) => (
          <li key={n.id} className="measured" data-testid="measured-neighbour" data-measurement={n.id}>
            <div className="measured-head">
              <span className={`pill ${n.measuredFits ? "pill-runs" : "pill-out-of-memory"}`}>{n.measuredFits ? "Fit" : "Out of memory"}</span>
              <span>
                measured on <b data-testid="measured-gpu">{n.gpu}</b>{n.ranks > 1 ? ` × ${n.ranks}` : ""}, <span data-testid="measured-cap">{capLabel(n.capBytes)}</span>
              </span>
              <code className="measured-file" title={n.summary}>{MEASUREMENTS_DIR}/{n.file}</code>
            </div>
            <Outcome neighbour={n} />
            {n.standIn.length > 0 && (
              <p className="measured-stand-in" data-testid="measured-stand-in">
                <b>stand-in:</b> {n.standIn.join("; ")}
              </p>
            )}
            <div className="measured-diff">
              {n.differences.length === 0 ? (
                <span className="tag">same plan as this one</span>
              ) : (
                <>
                  <span className="muted small">its plan differs:</span>
                  <ul className="changes">
                    {n.differences.map((d) => (
                      <li key={d.flag}>
                        <code>--{d.flag} {d.value}</code> <span className="muted small">(here {d.current})</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
