import { noHostMessage, type HostMatch } from "@headroom/rules";
import type { Plan } from "@headroom/estimator";

const gpuList = (gpus: number[]) => (gpus.length === 1 ? `GPU ${gpus[0]}` : `GPUs ${gpus.join(", ")}`);

/** Which host will take the job (or which could), or why none can and what submitting does then. */
export function HostHint({ match, plan, runner }: { match: HostMatch; plan: Plan; runner: "probe" | "liveavatar" }) {
  const [first, ...others] = match.able;
  if (!first) {
    return (
      <div className="callout callout-warning host-note" data-testid="host-hint" data-able="0">
        {noHostMessage(match, plan, runner)} Submitting saves the plan as a check (a report you can share) instead of a job.
      </div>
    );
  }
  const smoke = first.isSmokeRun ? " as a smoke run at tiny shapes (no GPU there): it checks the pipeline and measures nothing" : ` on ${gpuList(first.gpus)}`;
  const also = others.length > 0 ? `; ${others.map((fit) => fit.host.name).join(", ")} could too` : "";
  return (
    <div className={`callout ${first.isSmokeRun ? "callout-warning" : "callout-info"} host-note`} data-testid="host-hint" data-able={match.able.length}>
      <b>{first.host.name}</b> will take this job{smoke}{also}.
    </div>
  );
}
