import { formatFpsRange, formatGib } from "@headroom/estimator";
import type { Suggestion } from "@headroom/rules";
import { STATUS_LABEL } from "./verdict-banner.tsx";

/** The nearest plans that run, each with its own verdict; "apply" replaces the plan with it. */
export function SuggestionList({ suggestions, onApply, isPending = false }: { suggestions: readonly Suggestion[]; onApply?: (suggestion: Suggestion) => void; isPending?: boolean }) {
  if (suggestions.length === 0) return <p className="muted small">{isPending ? "Searching nearby plans…" : "No nearby plan found that does better."}</p>;
  return (
    <ol className="suggestions" data-testid="suggestions">
      {suggestions.map((suggestion) => {
        const worst = suggestion.estimate.gpus[suggestion.estimate.worstRank];
        return (
          <li key={suggestion.changes.join("|")} className="suggestion">
            <div className="suggestion-head">
              <span className={`pill pill-${suggestion.verdict.status}`}>{STATUS_LABEL[suggestion.verdict.status]}</span>
              {suggestion.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}
              <span className="muted small">
                {worst ? `${formatGib(worst.peakBytes)} / ${formatGib(worst.usableBytes)}` : ""} · {formatFpsRange(suggestion.estimate.speed.fpsRange)}
              </span>
              {onApply && (
                <button type="button" className="btn btn-sm btn-primary suggestion-apply" onClick={() => onApply(suggestion)} data-testid="apply-suggestion">
                  Apply
                </button>
              )}
            </div>
            <ul className="changes">
              {suggestion.changes.map((change) => <li key={change}><code>{change}</code></li>)}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
