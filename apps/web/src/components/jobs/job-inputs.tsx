import type { Plan } from "@headroom/estimator";
import { describePlan } from "@/lib/describe-plan";
import { fileSize } from "@/lib/format";
import { planFlags } from "@/lib/plan-flags";

export type JobInput = { id: string; kind: "image" | "audio"; mime: string; bytes: number; durationSeconds: number | null; width: number | null; height: number | null };


/** What the job was given: the reference image and audio as the runner takes them, the prompt, the plan and its flags. */
export function JobInputs({ plan, prompt, runner, inputs }: { plan: Plan; prompt: string | null; runner: string; inputs: readonly JobInput[] }) {
  const flags = planFlags(plan);
  return (
    <div className="panel-body job-inputs" data-testid="job-inputs">
      {inputs.map((input) =>
        input.kind === "image" ? (
          <figure key={input.id} className="job-input">
            <img className="job-input-image" src={`/api/files/assets/${input.id}`} alt="Reference image" data-testid="job-input-image" />
            <figcaption className="small muted">image · {input.width && input.height ? `${input.width}×${input.height} · ` : ""}{fileSize(input.bytes)}</figcaption>
          </figure>
        ) : (
          <figure key={input.id} className="job-input">
            <audio controls preload="metadata" src={`/api/files/assets/${input.id}`} data-testid="job-input-audio" />
            <figcaption className="small muted">audio · {input.durationSeconds !== null ? `${input.durationSeconds.toFixed(1)} s · ` : ""}{fileSize(input.bytes)}</figcaption>
          </figure>
        ),
      )}
      {inputs.length === 0 && <span className="muted small">{runner === "liveavatar" ? "The uploads of this job are no longer stored." : "No uploads: the probe makes its own inputs."}</span>}
      <div>
        <div className="small muted">Prompt (LiveAvatar&apos;s --prompt)</div>
        {prompt !== null ? (
          <p className="job-prompt" data-testid="job-prompt">{prompt}</p>
        ) : (
          <span className="muted small">{runner === "probe" ? "None: the probe does not read a prompt." : "None: this job was stored before jobs kept their prompt."}</span>
        )}
      </div>
      <div>
        <div className="small muted">Plan</div>
        <div>{describePlan(plan)}</div>
        <div className="job-flags" data-testid="job-flags">
          {flags.length === 0 ? <span className="muted small">the upstream launch script&apos;s flags</span> : flags.map((flag) => <code key={flag} className="tag">--{flag}</code>)}
        </div>
      </div>
    </div>
  );
}
