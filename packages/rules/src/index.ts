export { evaluate, type Verdict } from "./evaluate.ts";
export { suggest, type Suggestion, type SuggestionTag, type SuggestOptions } from "./suggest.ts";
export { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
export { JOB_PURPOSE, jobRefusals, type JobPurpose, type JobRunnerName } from "./job-admission.ts";
export { describeNeed, gpusForPlan, hostFit, matchHosts, noHostMessage, usableGpuBytes, type HostCapacity, type HostFit, type HostMatch, type HostMiss, type MatchableHost } from "./host-match.ts";
export { SLOW_FPS, SLOW_OFFLOAD_SHARE, TIGHT_MARGIN, tightMarginBytes } from "./thresholds.ts";
export { VERDICT_STATUSES, type Finding, type FindingDraft, type Fix, type Rule, type RuleContext, type Severity, type VerdictStatus } from "./rule.ts";
