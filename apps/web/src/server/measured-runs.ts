import { join } from "node:path";
import type { MeasuredRun } from "@headroom/estimator";
import { loadMeasuredRuns } from "@headroom/measurements";
import { REPO_ROOT } from "./env.ts";

/** The committed probe runs (data/measurements), each with this estimator's prediction for it. */
export const MEASUREMENTS_DIR = join(REPO_ROOT, "data", "measurements");

// Read and compared once per server process (kept across dev reloads): the files change only with a commit.
const holder = globalThis as { headroomMeasuredRuns?: MeasuredRun[] };

/** Small (tens of runs, no per-sample series), so pages hand all of them to the browser for the live nearest-run search. */
export const getMeasuredRuns = (): MeasuredRun[] => (holder.headroomMeasuredRuns ??= loadMeasuredRuns(MEASUREMENTS_DIR));
