import type { WorkerConfig } from "../env.ts";
import type { WorkerEvent } from "@headroom/protocol";
import type { TaskContext } from "./task.ts";

/** A TaskContext that keeps what the task reports: for tests and for a one-off run from a shell. */
export const collectingContext = (config: WorkerConfig, signal: AbortSignal = new AbortController().signal): TaskContext & { events: WorkerEvent[] } => {
  const events: WorkerEvent[] = [];
  return { events, signal, config, report: (event) => events.push(event) };
};
