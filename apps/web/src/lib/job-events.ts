import { WorkerEvent, type ProgressEvent } from "@headroom/protocol";

/** A job event as the database returns it: the worker stores each protocol event whole as its payload. */
export type StoredEvent = { seq: number; type: string; payload: Record<string, unknown>; at: Date | string };

/** The stored payload read back with the schema the worker wrote it with; null for a row no runner could send. */
export const readEvent = (event: StoredEvent): WorkerEvent | null => {
  const parsed = WorkerEvent.safeParse({ ...event.payload, type: event.type });
  return parsed.success ? parsed.data : null;
};

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 30 ? 1 : 0)} MiB`;
const rankOf = (event: WorkerEvent) => (event.rank !== undefined ? `rank ${event.rank} · ` : "");
const fraction = (done: number, of: number | null | undefined) => (of ? `${done}/${of}` : `${done}`);

/** Where a denoise forward sits: the probe names block and step (block 0 is its one-step warm-up); LiveAvatar counts forwards. */
export const describeProgress = (event: ProgressEvent): string => {
  const clip = event.clips !== undefined && event.clips > 1 && event.clip !== undefined ? `clip ${event.clip + 1}/${event.clips} · ` : "";
  if (event.forward === undefined) return `${event.phase} · ${event.clip === undefined ? "" : `clip ${fraction(event.clip + 1, event.of)} done`}`.trim();
  const forward = `forward ${fraction(event.forward, event.of)}`;
  if (event.block === 0) return `${event.phase} · ${clip}warm-up (${forward})`;
  if (event.block !== undefined && event.step !== undefined) {
    return `${event.phase} · ${clip}block ${fraction(event.block, event.blocks)} · step ${fraction(event.step, event.steps)} (${forward})`;
  }
  return `${event.phase} · ${forward}`;
};

/** One line per event type: a table, so a new type in the protocol does not typecheck until the log can read it. */
const DESCRIBE: { [K in WorkerEvent["type"]]: (event: Extract<WorkerEvent, { type: K }>) => string } = {
  phase: (e) => `${rankOf(e)}${e.phase} ${e.state}`,
  progress: (e) => `${rankOf(e)}${describeProgress(e)}${typeof e.seconds === "number" ? ` (${e.seconds.toFixed(3)} s)` : ""}`,
  memory: (e) => `${rankOf(e)}${e.phase}: reserved ${mib(e.reserved)}, allocated ${mib(e.allocated)}, device ${mib(e.deviceUsed)}`,
  log: (e) => `${rankOf(e)}${e.stream ? `[${e.stream}] ` : ""}${e.level === "warning" || e.level === "error" ? `${e.level}: ` : ""}${e.message}`,
  artifact: (e) => `${e.kind}: ${e.path.split("/").at(-1)}`,
  result: (e) => `${rankOf(e)}${resultLine(e)}`,
  error: (e) => `${rankOf(e)}${e.errorClass ? `${e.errorClass}: ` : ""}${e.message}`,
};

const resultLine = (e: Extract<WorkerEvent, { type: "result" }>): string => {
  if (typeof e.video === "string") return `video ready (${String(e.clips ?? "?")} clips, ${String(e.forwards ?? "?")} forwards)`;
  const fits = e.fits === true ? "fits" : e.fits === false ? `out of memory${typeof e.oomPhase === "string" ? ` at ${e.oomPhase}` : ""}` : "probe failed";
  const peak = typeof e.peakDeviceUsed === "number" ? `, peak ${mib(e.peakDeviceUsed)}` : "";
  return `${fits}${peak}${e.scale === "tiny" ? " (tiny shapes: a smoke run)" : ""}`;
};

/** One protocol event as a person reads it; a row no runner could have sent is shown as its JSON, marked. */
export const describeEvent = (stored: StoredEvent): string => {
  const event = readEvent(stored);
  if (event === null) return `not a protocol event: ${JSON.stringify(stored.payload)}`;
  return (DESCRIBE[event.type] as (e: WorkerEvent) => string)(event);
};

/** The probe ran CPU test shapes (its start line and its result say scale "tiny"): it checked the pipeline, it measured nothing. */
export const isSmokeRun = (events: readonly StoredEvent[]): boolean =>
  events.some((stored) => {
    const event = readEvent(stored);
    return (event?.type === "result" || event?.type === "log") && event.scale === "tiny";
  });

/** Where the run is now: the phase that started last and, within it, the last progress line (a step, a clip). */
export const currentProgress = (events: readonly StoredEvent[]): { phase: string | null; label: string | null; fraction: number | null } => {
  let phase: string | null = null;
  let last: ProgressEvent | null = null;
  for (const stored of events) {
    const event = readEvent(stored);
    if (event?.type === "phase" && event.state === "start" && event.phase !== phase) {
      phase = event.phase;
      last = null;
    }
    if (event?.type === "progress" && (phase === null || event.phase === phase)) {
      phase = event.phase;
      last = event;
    }
  }
  if (last === null) return { phase, label: phase, fraction: null };
  const done = last.forward ?? (last.clip === undefined ? null : last.clip + 1);
  return { phase, label: describeProgress(last), fraction: done !== null && last.of ? Math.min(1, done / last.of) : null };
};
