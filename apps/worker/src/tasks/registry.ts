import type { JobRunner } from "@headroom/db";
import { liveavatarRunner } from "./liveavatar-runner.ts";
import { probeRunner } from "./probe-runner.ts";
import type { Task } from "./task.ts";
import { upstreamRunner } from "./upstream-runner.ts";

/** Runner names as the queue and the database know them → handlers (a new runner must be listed here). */
export const TASKS = {
  liveavatar: liveavatarRunner,
  probe: probeRunner,
  upstream: upstreamRunner,
} satisfies Record<JobRunner, Task<unknown>>;

export type TaskName = keyof typeof TASKS;
