export type JobStateName = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export function StateBadge({ state }: { state: JobStateName }) {
  return <span className={`state state-${state}`} data-testid="job-state" data-state={state}>{state}</span>;
}

export function ProgressBar({ value, label }: { value: number; label?: string }) {
  const percent = Math.round(Math.min(Math.max(value, 0), 1) * 100);
  return (
    <div className="progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-label">{label ?? `${percent} %`}</span>
    </div>
  );
}
