import { liveavatarRunner } from "./liveavatar-runner.ts";
import { probeRunner } from "./probe-runner.ts";
import type { Task } from "./task.ts";

/** Task names as the queue knows them → handlers. */
export const TASKS = {
  liveavatar: liveavatarRunner,
  probe: probeRunner,
} satisfies Record<string, Task<unknown>>;

export type TaskName = keyof typeof TASKS;
