// `npm start`'s process supervisor (scripts/start.ts): starts services in order, restarts a crashed one with
// backoff, and stops them in reverse order, each given its own grace before it is killed.

/** What the supervisor needs of a child process; a ChildProcess fits, and so does an EventEmitter in tests. */
export type SupervisedChild = {
  pid?: number | undefined;
  once: (event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void) => unknown;
};

export type Service = {
  name: string;
  spawn: () => SupervisedChild;
  /** How long it may take to stop after SIGTERM before it is sent SIGKILL. */
  stopGraceMs: number;
  /** Restarted with backoff when it exits on its own; otherwise its exit is fatal to the whole. */
  restarts: boolean;
};

export type SupervisorDeps = {
  /** Sends a signal to the child (start.ts: to its whole process group). */
  signal: (child: SupervisedChild, signal: NodeJS.Signals) => void;
  log: (line: string) => void;
  now: () => number;
  /** A service that does not restart exited on its own: the caller stops the rest. */
  onFatal: (name: string) => void;
};

export type Supervisor = {
  /** Starts the service now; services stop in the reverse order of their start. */
  start: (service: Service) => SupervisedChild;
  /** Stops every service, last started first; resolves when all have exited. */
  stop: () => Promise<void>;
};

export const RESTART_FIRST_DELAY_MS = 1000;
export const RESTART_MAX_DELAY_MS = 30_000;
/** A child up this long is taken for healthy: its next crash restarts after the first delay again. */
export const RESTART_RESET_AFTER_MS = 60_000;
/** After SIGKILL, how long to wait for the exit before giving up on it. */
const KILL_WAIT_MS = 5000;

/** 1 s, 2 s, 4 s … capped at 30 s, for the n-th quick crash in a row (0-based). */
export const restartDelayMs = (crashes: number): number => Math.min(RESTART_FIRST_DELAY_MS * 2 ** crashes, RESTART_MAX_DELAY_MS);

type Running = {
  service: Service;
  child: SupervisedChild | null;
  exited: Promise<void>;
  startedAtMs: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | null;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createSupervisor = (deps: SupervisorDeps): Supervisor => {
  const running: Running[] = [];
  let isStopping = false;

  const launch = (entry: Running): SupervisedChild => {
    const child = entry.service.spawn();
    entry.child = child;
    entry.startedAtMs = deps.now();
    entry.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        entry.child = null;
        resolve();
        if (isStopping) return;
        const how = code ?? signal ?? "unknown";
        if (!entry.service.restarts) {
          deps.log(`${entry.service.name} exited (${how}); stopping`);
          deps.onFatal(entry.service.name);
          return;
        }
        if (deps.now() - entry.startedAtMs >= RESTART_RESET_AFTER_MS) entry.crashes = 0;
        const delayMs = restartDelayMs(entry.crashes);
        entry.crashes += 1;
        deps.log(`${entry.service.name} exited (${how}); restarting in ${delayMs / 1000} s`);
        entry.restartTimer = setTimeout(() => {
          entry.restartTimer = null;
          if (!isStopping) launch(entry);
        }, delayMs);
      });
    });
    return child;
  };

  const stopOne = async (entry: Running) => {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
    const child = entry.child;
    if (!child) return;
    deps.log(`stopping ${entry.service.name}`);
    deps.signal(child, "SIGTERM");
    const isGone = await Promise.race([entry.exited.then(() => true), sleep(entry.service.stopGraceMs).then(() => false)]);
    if (isGone) return;
    deps.log(`${entry.service.name} still running after ${entry.service.stopGraceMs / 1000} s: killing it`);
    deps.signal(child, "SIGKILL");
    await Promise.race([entry.exited, sleep(KILL_WAIT_MS)]);
  };

  return {
    start: (service) => {
      const entry: Running = { service, child: null, exited: Promise.resolve(), startedAtMs: 0, crashes: 0, restartTimer: null };
      running.push(entry);
      return launch(entry);
    },
    stop: async () => {
      isStopping = true;
      for (const entry of [...running].reverse()) await stopOne(entry);
    },
  };
};
