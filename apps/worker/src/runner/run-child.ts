import { spawn } from "node:child_process";
import { parseProtocolLine, type WorkerEvent } from "@headroom/protocol";
import { createLineSplitter, lastSegment } from "./line-splitter.ts";
import { createTail } from "./tail.ts";

export const DEFAULT_GRACE_MS = 10_000;
/** After the child exits, how long a grandchild may keep its pipes open before the worker stops reading. */
const DRAIN_MS = 2_000;

export type RunChildOptions = {
  command: string;
  args: string[];
  /** Added to the worker's own environment, which the child inherits as spawn does by default. */
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL on cancel or timeout. */
  graceMs?: number;
  onEvent: (event: WorkerEvent) => void;
  onStderrLine?: (line: string) => void;
  /** How a stdout line becomes events; the default reads the JSON protocol. */
  parseStdoutLine?: (line: string) => WorkerEvent[];
};

export type ChildOutcome = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The last stderr lines, tqdm redraws collapsed to what a terminal would show. */
  stderrTail: string;
  /** Set when the command could not be started (ENOENT: not installed; EACCES …). */
  spawnError: string | null;
};

const defaultParse = (line: string): WorkerEvent[] => [parseProtocolLine(line)];

/** Signals the child's whole process group (torchrun and its ranks), ignoring a group that is already gone. */
const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every process of the group has exited
  }
};

/** Runs one child in its own process group; resolves (never rejects) once it has exited and its output is read. */
export const runChild = (options: RunChildOptions): Promise<ChildOutcome> => {
  const { onEvent, onStderrLine, signal } = options;
  const parse = options.parseStdoutLine ?? defaultParse;
  const tail = createTail();
  const state = { timedOut: false, cancelled: false };
  if (signal?.aborted) {
    return Promise.resolve({ exitCode: null, signal: null, timedOut: false, cancelled: true, stderrTail: "", spawnError: null });
  }
  return new Promise((resolve) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const timers: NodeJS.Timeout[] = [];
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let settled = false;
    const stdout = createLineSplitter((line) => parse(line).forEach(onEvent));
    const stderr = createLineSplitter((line) => {
      tail.add(lastSegment(line));
      onStderrLine?.(line);
    });
    const finish = (spawnError: string | null) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal?.removeEventListener("abort", onAbort);
      stdout.end();
      stderr.end();
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, ...state, stderrTail: tail.text(), spawnError });
    };
    const terminate = () => {
      if (child.pid === undefined || exit !== null) return;
      signalGroup(child.pid, "SIGTERM");
      timers.push(setTimeout(() => child.pid !== undefined && signalGroup(child.pid, "SIGKILL"), options.graceMs ?? DEFAULT_GRACE_MS));
    };
    const onAbort = () => {
      state.cancelled = true;
      terminate();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timers.push(setTimeout(() => {
        state.timedOut = true;
        terminate();
      }, options.timeoutMs));
    }
    child.stdout.setEncoding("utf8").on("data", stdout.push);
    child.stderr.setEncoding("utf8").on("data", stderr.push);
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish(`${error.code ?? "error"}: ${error.message}`);
    });
    child.on("exit", (code, sig) => {
      exit = { code, signal: sig };
      // Ranks left behind by a killed launcher hold the pipes open: end them, then stop waiting.
      if ((state.cancelled || state.timedOut) && child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      timers.push(setTimeout(() => finish(null), DRAIN_MS));
    });
    child.on("close", () => {
      if (exit !== null) finish(null);
    });
  });
};
