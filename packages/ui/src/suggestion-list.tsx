import { formatDollars, formatFpsRange, formatGib } from "@headroom/estimator";
import { SUGGESTION_GROUPS, type Suggestion, type SuggestionGroup } from "@headroom/rules";
import { STATUS_LABEL } from "./verdict-banner.tsx";

/** Each group says what kind of change it asks for: a flag costs nothing, hardware is bought or rented. */
export const SUGGESTION_GROUP_TITLE: Record<SuggestionGroup, string> = {
  "same-hardware": "Same hardware (flags only)",
  "different-hardware": "Different hardware (GPU model, count, host RAM)",
};

function SuggestionItem({ suggestion, onApply }: { suggestion: Suggestion; onApply?: (suggestion: Suggestion) => void }) {
  const worst = suggestion.estimate.gpus[suggestion.estimate.worstRank];
  const price = suggestion.dollarsPerVideoMinute;
  return (
    <li className="suggestion" data-group={suggestion.group} data-status={suggestion.verdict.status}>
      <div className="suggestion-head">
        <span className={`pill pill-${suggestion.verdict.status}`}>{STATUS_LABEL[suggestion.verdict.status]}</span>
        {suggestion.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}
        <span className="muted small">
          {worst ? `${formatGib(worst.peakBytes)} / ${formatGib(worst.usableBytes)}` : ""} · {formatFpsRange(suggestion.estimate.speed.fpsRange)}
          {price !== null && <> · <span data-testid="suggestion-price">{formatDollars(price)} per minute of video</span></>}
        </span>
        {onApply && (
          <button type="button" className="btn btn-sm btn-primary suggestion-apply" onClick={() => onApply(suggestion)} data-testid="apply-suggestion">
            Apply
          </button>
        )}
      </div>
      <ul className="changes">
        {suggestion.hardwareChanges.map((change) => <li key={change} className="change-hardware" data-testid="hardware-change">{change}</li>)}
        {suggestion.flagChanges.map((change) => <li key={change}><code>{change}</code></li>)}
      </ul>
    </li>
  );
}

/** The nearest plans that run, grouped flags-only first, each with its own verdict and every change it makes; "apply" replaces the plan with it. */
export function SuggestionList({ suggestions, onApply, isPending = false }: { suggestions: readonly Suggestion[]; onApply?: (suggestion: Suggestion) => void; isPending?: boolean }) {
  if (suggestions.length === 0) return <p className="muted small">{isPending ? "Searching nearby plans…" : "No nearby plan found that does better."}</p>;
  return (
    <div className="suggestion-groups" data-testid="suggestions">
      {SUGGESTION_GROUPS.map((group) => {
        const inGroup = suggestions.filter((suggestion) => suggestion.group === group);
        if (inGroup.length === 0) return null;
        return (
          <section key={group} className="suggestion-group" data-testid={`suggestions-${group}`}>
            <h4 className="suggestion-group-title">{SUGGESTION_GROUP_TITLE[group]}</h4>
            <ol className="suggestions">
              {inGroup.map((suggestion) => <SuggestionItem key={suggestion.changes.join("|")} suggestion={suggestion} onApply={onApply} />)}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
