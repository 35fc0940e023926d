import { LIVEAVATAR_RULES } from "./liveavatar-rules.ts";
import type { Finding } from "./rule.ts";
import type { Verdict } from "./evaluate.ts";

/**
 * What a job is for. LiveAvatar generates a video, so a predicted out-of-memory only wastes a GPU-hour; a measuring
 * instrument (the probe, the upstream harness) exists to measure memory, an out-of-memory included (capped runs).
 */
export type JobPurpose = "generate" | "measure";

/** Every runner the worker knows, by what it is for (the db's JobRunner enum must match these keys). */
export const JOB_PURPOSE = { probe: "measure", upstream: "measure", liveavatar: "generate" } as const satisfies Record<string, JobPurpose>;
export type JobRunnerName = keyof typeof JOB_PURPOSE;

const OUT_OF_MEMORY_RULES = new Set(LIVEAVATAR_RULES.filter((rule) => rule.implies === "out-of-memory").map((rule) => rule.id));

/**
 * The one answer to "may this job run?", asked by the web at submit and by the worker before it starts a process:
 * the findings that refuse it (none = it may run). Error-level findings refuse every job, except that a measuring
 * runner may run a plan whose only errors predict an out-of-memory.
 */
export const jobRefusals = (verdict: Pick<Verdict, "findings">, runner: JobRunnerName): Finding[] =>
  verdict.findings.filter((finding) => finding.severity === "error" && !(JOB_PURPOSE[runner] === "measure" && OUT_OF_MEMORY_RULES.has(finding.ruleId)));
