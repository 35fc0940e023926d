import type { WorkerConfig } from "../env.ts";
import type { WorkerEvent } from "@headroom/protocol";
import type { Failure } from "../runner/classify-failure.ts";

/** What the queue gives a task: where its events go, the job's cancel signal, the worker's settings. */
export type TaskContext = {
  report: (event: WorkerEvent) => void;
  signal: AbortSignal;
  config: WorkerConfig;
};

/** A task resolves with its result or rejects with a TaskFailure; the payload is parsed inside (it comes off the queue). */
export type Task<R> = (payload: unknown, ctx: TaskContext) => Promise<R>;

/** A classified failure (out-of-memory, bad-input, not-installed, timeout, cancelled, crashed) as a task's rejection. */
export class TaskFailure extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(`${failure.errorClass}${failure.phase ? ` (${failure.phase})` : ""}: ${failure.message}`);
    this.name = "TaskFailure";
    this.failure = failure;
  }
}

export const fail = (errorClass: Failure["errorClass"], message: string, phase?: string): never => {
  throw new TaskFailure({ errorClass, message, ...(phase ? { phase } : {}) });
};
