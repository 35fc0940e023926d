import { existsSync } from "node:fs";
import { ProbeResult, type WorkerEvent } from "@headroom/protocol";
import { classifyFailure } from "../runner/classify-failure.ts";
import { runChild } from "../runner/run-child.ts";
import { TaskFailure, type TaskContext } from "./task.ts";

export type MeasureChild = {
  /** Who measures, in messages: "the probe", "the upstream harness". */
  instrument: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** The result file of each rank, reported as measurement artifacts when the run measured. */
  outFor: (results: readonly ProbeResult[]) => string[];
};

/**
 * Runs a measuring Python child (the probe or the upstream harness: the same line protocol and result shape) and
 * returns one result per rank. A measured out-of-memory is a result (fits: false); failing to measure is a failure.
 */
export const measureChild = async (child: MeasureChild, ctx: TaskContext): Promise<ProbeResult[]> => {
  const results: ProbeResult[] = [];
  const kept: WorkerEvent[] = [];
  const outcome = await runChild({
    command: ctx.config.python,
    args: child.args,
    ...(child.cwd ? { cwd: child.cwd } : {}),
    env: { PYTHONUNBUFFERED: "1", ...child.env },
    timeoutMs: ctx.config.timeoutMs,
    graceMs: ctx.config.cancelGraceMs,
    signal: ctx.signal,
    onEvent: (event) => {
      if (event.type === "result") {
        const parsed = ProbeResult.safeParse(event);
        if (parsed.success) results.push(parsed.data);
        else ctx.report({ type: "log", level: "warning", message: `unreadable ${child.instrument} result: ${parsed.error.issues[0]?.message}` });
      }
      if (event.type === "phase" || event.type === "error") kept.push(event);
      ctx.report(event);
    },
  });
  const measured = results.length > 0 && results.every((r) => r.fits !== null);
  // One rank's measured OOM ends the others through torchrun: the exit code is then not the answer.
  if (!outcome.cancelled && !outcome.timedOut && measured && (outcome.exitCode === 0 || results.some((r) => r.fits === false))) {
    child.outFor(results).filter((path) => existsSync(path)).forEach((path) => ctx.report({ type: "artifact", kind: "measurement", path }));
    return results.sort((a, b) => a.rank - b.rank);
  }
  const failure = classifyFailure({ ...outcome, events: kept });
  const crashed = results.find((r) => r.fits === null);
  throw new TaskFailure(failure ?? { errorClass: "crashed", message: crashed?.error?.split("\n").filter(Boolean).at(-1) ?? `${child.instrument} reported no result` });
};
