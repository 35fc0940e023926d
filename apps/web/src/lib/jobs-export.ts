import { clipCount, planToQuery, type Plan } from "@headroom/estimator";
import { gpuName } from "./describe-plan";
import { jobDurationSeconds } from "./format";
import { planFlags } from "./plan-flags";

/** What the export reads of a jobs-list row (JobSummaryDto, dates possibly as strings after JSON). */
export type ExportableJob = {
  id: string;
  userId: string;
  plan: Plan;
  state: string;
  runner: string;
  errorClass: string | null;
  host: { name: string } | null;
  createdAt: Date | string;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
  predictedPeakBytes: number | null;
  measuredPeakBytes: number | null;
};

export type ExportRow = Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>;

const CSV_COLUMNS = [
  "id", "state", "error_class", "runner", "member", "host", "gpu", "gpu_count", "size", "num_clip", "mode", "fp8", "flags",
  "created_at", "started_at", "finished_at", "duration_s", "predicted_peak_bytes", "measured_peak_bytes", "plan_query",
] as const;

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());
const asDate = (date: Date | string | null) => (date === null ? null : new Date(date));

/** One job as a flat row: the plan's distinguishing flags, and the whole plan as its share-link query (it round-trips). */
export const exportRow = (job: ExportableJob, memberName: (userId: string) => string | null): ExportRow => {
  const duration = jobDurationSeconds({ startedAt: asDate(job.startedAt), finishedAt: asDate(job.finishedAt) });
  return {
    id: job.id, state: job.state, error_class: job.errorClass, runner: job.runner, member: memberName(job.userId), host: job.host?.name ?? null,
    gpu: gpuName(job.plan), gpu_count: job.plan.hardware.count, size: job.plan.params.size, num_clip: clipCount(job.plan).numClipFlag,
    mode: job.plan.parallel.mode, fp8: job.plan.params.fp8, flags: planFlags(job.plan).join("; "),
    created_at: iso(job.createdAt), started_at: iso(job.startedAt), finished_at: iso(job.finishedAt),
    // a running job has no duration yet: the export is a record, not a clock
    duration_s: job.finishedAt === null || duration === null ? null : +duration.toFixed(3),
    predicted_peak_bytes: job.predictedPeakBytes, measured_peak_bytes: job.measuredPeakBytes, plan_query: planToQuery(job.plan),
  };
};

/**
 * RFC 4180 quoting; a text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR: OWASP's CSV-injection list)
 * gets a leading apostrophe, since member names are typed by users.
 */
const csvCell = (value: string | number | boolean | null): string => {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const jobsToCsv = (rows: readonly ExportRow[]): string =>
  [CSV_COLUMNS.join(","), ...rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row[column])).join(","))].join("\r\n") + "\r\n";

/** JSON keeps the whole plan object beside the flat fields. */
export const jobsToJson = (jobs: readonly ExportableJob[], memberName: (userId: string) => string | null): string =>
  JSON.stringify(jobs.map((job) => ({ ...exportRow(job, memberName), plan: job.plan })), null, 2);

/** Every page the filter selects, following the keyset cursor (bounded, so a runaway cursor cannot loop forever). */
export const fetchAllPages = async <T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>, maxPages = 500): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (result.nextCursor === null) return items;
    cursor = result.nextCursor;
  }
  throw new RangeError(`the export stopped after ${maxPages} pages`);
};
