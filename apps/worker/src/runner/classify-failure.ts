import type { ErrorClass, WorkerEvent } from "@headroom/protocol";

export type FailureInput = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  stderrTail: string;
  spawnError?: string | null;
  events: readonly WorkerEvent[];
  /** The job's own input files: a FileNotFoundError naming one is bad input, any other is a missing install. */
  inputPaths?: readonly string[];
};

export type Failure = { errorClass: ErrorClass; phase?: string; message: string };

const OOM = /(?:[\w.]*OutOfMemoryError|CUDA out of memory|CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED)[^\n]*/;
const NOT_INSTALLED = [
  /(?:ModuleNotFoundError|ImportError): [^\n]*/,
  /can't open file [^\n]*/, // python3 missing-script.py
  /command not found[^\n]*/,
  /LocalEntryNotFoundError[^\n]*|couldn't connect to 'https:\/\/huggingface\.co'[^\n]*/, // weights not downloaded
];
const FILE_NOT_FOUND = /FileNotFoundError: [^\n]*/;
const BAD_INPUT = [
  /error: (?:argument|unrecognized arguments|the following arguments are required)[^\n]*/, // argparse
  /(?:PIL\.)?UnidentifiedImageError: [^\n]*/,
  /(?:LibsndfileError|soundfile\.LibsndfileError|audioread\.exceptions\.NoBackendError)[^\n]*/,
  /AssertionError: (?:At least 5 GPUs|Only 4 GPUs|VAE parallel is required|t5_fsdp and dit_fsdp|sequence parallel|Sequence parallel|Unsupport)[^\n]*/,
  /json\.decoder\.JSONDecodeError: [^\n]*/,
];
const EXCEPTION_LINE = /^[\w.]*(?:Error|Exception|Interrupt)\b[^\n]*$/m;

/** The phase the run was in: the last one a phase event named. */
const currentPhase = (events: readonly WorkerEvent[]): string | undefined => {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event?.type === "phase") return event.phase;
  }
  return undefined;
};

const firstMatch = (patterns: readonly RegExp[], text: string): string | undefined =>
  patterns.map((pattern) => pattern.exec(text)?.[0]).find((match) => match !== undefined);

const lastExceptionLine = (tail: string): string | undefined => {
  const lines = tail.split("\n").filter((line) => EXCEPTION_LINE.test(line));
  return lines.at(-1)?.trim();
};

/** Where several causes show, the first row wins: the user's intent, then the clock, then what the child said. */
export const classifyFailure = (input: FailureInput): Failure | null => {
  const { exitCode, signal, timedOut, cancelled, stderrTail, spawnError, events } = input;
  const phase = currentPhase(events);
  const at = phase ? { phase } : {};
  if (cancelled) return { errorClass: "cancelled", ...at, message: "cancelled" };
  if (timedOut) return { errorClass: "timeout", ...at, message: `timed out${phase ? ` during ${phase}` : ""}` };
  if (spawnError) {
    return spawnError.startsWith("ENOENT")
      ? { errorClass: "not-installed", message: `command not found (${spawnError})` }
      : { errorClass: "crashed", message: `could not start: ${spawnError}` };
  }
  const errorEvent = [...events].reverse().find((e) => e.type === "error");
  const oomEvent = events.find((e) => e.type === "error" && (e.errorClass === "out-of-memory" || OOM.test(e.message)));
  if (oomEvent?.type === "error") return { errorClass: "out-of-memory", ...(oomEvent.phase ? { phase: oomEvent.phase } : at), message: oomEvent.message };
  const oom = OOM.exec(stderrTail);
  if (oom) return { errorClass: "out-of-memory", ...at, message: oom[0] };
  const clean = exitCode === 0 && signal === null;
  if (clean && !errorEvent) return null;
  if (exitCode === 127) return { errorClass: "not-installed", ...at, message: lastExceptionLine(stderrTail) ?? "command not found (exit 127)" };
  const missing = firstMatch(NOT_INSTALLED, stderrTail);
  if (missing) return { errorClass: "not-installed", ...at, message: missing };
  const notFound = FILE_NOT_FOUND.exec(stderrTail)?.[0];
  if (notFound) {
    const isInput = (input.inputPaths ?? []).some((path) => notFound.includes(path));
    return { errorClass: isInput ? "bad-input" : "not-installed", ...at, message: notFound };
  }
  const bad = firstMatch(BAD_INPUT, stderrTail);
  if (bad) return { errorClass: "bad-input", ...at, message: bad };
  if (errorEvent?.type === "error" && errorEvent.errorClass) return { errorClass: errorEvent.errorClass, ...(errorEvent.phase ? { phase: errorEvent.phase } : at), message: errorEvent.message };
  const how = signal ? `killed by ${signal}${signal === "SIGKILL" ? " (the host's OOM killer?)" : ""}` : `exited with ${exitCode}`;
  const said = errorEvent?.type === "error" ? errorEvent.message : lastExceptionLine(stderrTail);
  return { errorClass: "crashed", ...at, message: said ? `${how}: ${said}` : how };
};
