import { PHASES, type Phase, type ProgressEvent, type WorkerEvent } from "@headroom/protocol";
import { lastSegment } from "../runner/line-splitter.ts";
import type { ExpectedProgress } from "./expected-progress.ts";

export type LiveAvatarState = {
  expected: ExpectedProgress;
  single: boolean;
  phase: Phase | null;
  barsDone: number;
  videoPath: string | null;
  artifactSent: boolean;
  resultSent: boolean;
  oomSent: boolean;
};

export const createLiveAvatarState = (expected: ExpectedProgress, single: boolean): LiveAvatarState => ({
  expected,
  single,
  phase: null,
  barsDone: 0,
  videoPath: null,
  artifactSent: false,
  resultSent: false,
  oomSent: false,
});

/** `[%(asctime)s] %(levelname)s: %(message)s`, the format rank 0 logs with. */
const LOGGING = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): (.*)$/;
/** A tqdm bar: ` 75%|███████▌  | 3/4 [00:01<00:01,  1.66it/s]`. */
const BAR = /^\s*\d+%\|.*\|\s*(\d+)\/(\d+)\b/;
const OOM = /(?:[\w.]*OutOfMemoryError|RuntimeError): CUDA out of memory\.(?: Tried to allocate ([\d.]+) (GiB|MiB|KiB))?/;
const UNIT_BYTES: Record<string, number> = { GiB: 1024 ** 3, MiB: 1024 ** 2, KiB: 1024 };

/** Which line moves the run into which phase; phases only move forward. */
const PHASE_MARKS: readonly [RegExp, Phase][] = [
  [/^Creating WanS2V pipeline\.|^Creating WanModel from|^Use LoRA:|^LoRA merged successfully\./, "load"],
  [/^Generating video \.\.\./, "encode"],
  [/^complete prepare conditional inputs/, "denoise"],
  [/^complete full-sequence generation|^loading VAE to cuda for final decode/, "decode"],
  [/^denoising video done|^Saving generated video to |^Start merging video and audio/, "save"],
];

const LEVELS: Record<string, "debug" | "info" | "warning" | "error"> = { DEBUG: "debug", INFO: "info", WARNING: "warning", ERROR: "error", CRITICAL: "error" };

const enterPhase = (state: LiveAvatarState, phase: Phase): WorkerEvent[] => {
  if (state.phase !== null && PHASES.indexOf(phase) <= PHASES.indexOf(state.phase)) return [];
  const events: WorkerEvent[] = state.phase ? [{ type: "phase", phase: state.phase, state: "end" }] : [];
  state.phase = phase;
  return [...events, { type: "phase", phase, state: "start" }];
};

const progress = (state: LiveAvatarState): ProgressEvent & { forward: number } => {
  const { forwards, steps, ranks } = state.expected;
  const done = Math.floor((state.barsDone * steps) / ranks);
  return { type: "progress", phase: "denoise", forward: forwards === null ? done : Math.min(done, forwards), of: forwards };
};

const videoEvents = (state: LiveAvatarState, path: string): WorkerEvent[] => {
  if (state.artifactSent) return [];
  state.artifactSent = true;
  state.videoPath = path;
  return [{ type: "artifact", kind: "video", path }];
};

const resultEvent = (state: LiveAvatarState, forwards = progress(state).forward): WorkerEvent[] => {
  if (state.resultSent || state.videoPath === null) return [];
  state.resultSent = true;
  return [{ type: "result", runner: "liveavatar", video: state.videoPath, clips: state.expected.clips, forwards }];
};

/** A completed bar is the last redraw of a "\n"-terminated line (tqdm's close); partial redraws are not logged. */
const translateBar = (state: LiveAvatarState, segment: string): WorkerEvent[] | null => {
  const bar = BAR.exec(segment);
  if (!bar) return null;
  if (bar[1] !== bar[2] || Number(bar[2]) === 0) return [];
  state.barsDone += 1;
  return [...enterPhase(state, "denoise"), progress(state)];
};

const translateOom = (state: LiveAvatarState, line: string): WorkerEvent[] => {
  const oom = OOM.exec(line);
  if (!oom || state.oomSent) return [];
  state.oomSent = true;
  const needBytes = oom[1] && oom[2] ? Math.round(Number(oom[1]) * (UNIT_BYTES[oom[2]] ?? 1)) : null;
  return [{ type: "error", errorClass: "out-of-memory", message: line.trim(), phase: state.phase, needBytes }];
};

/** One line of LiveAvatar's stdout or stderr (as torchrun passes them on) → protocol events. Mutates `state`. */
export const translateLiveAvatarLine = (line: string, state: LiveAvatarState, stream: "stdout" | "stderr" = "stdout"): WorkerEvent[] => {
  const shown = lastSegment(line);
  const bar = translateBar(state, shown);
  if (bar) return bar;
  if (shown.trim() === "") return [];
  const logged = LOGGING.exec(shown);
  const message = logged?.[2] ?? shown;
  const level = logged ? (LEVELS[logged[1] ?? "INFO"] ?? "info") : stream === "stderr" ? "warning" : "info";
  const events: WorkerEvent[] = state.phase === null ? enterPhase(state, "load") : [];
  const mark = PHASE_MARKS.find(([pattern]) => pattern.test(message));
  if (mark) events.push(...enterPhase(state, mark[1]));
  events.push({ type: "log", level, stream, message });
  events.push(...translateOom(state, message));
  const saving = /^Saving generated video to (.+)$/.exec(message);
  if (saving?.[1]) state.videoPath = saving[1].trim();
  const merged = /^Merge completed, saved to (.+)$/.exec(message);
  if (merged?.[1]) events.push(...videoEvents(state, merged[1].trim()));
  // Rank 0 logs "Finished." when it is done; under TPP rank 4 may still be writing the video then.
  if (message === "Finished." && state.single) events.push(...resultEvent(state));
  return events;
};

/**
 * After the process has ended: a clean exit with the video on disk closes the run (TPP's saving rank
 * never logs its path, and a failed audio merge still leaves the silent video).
 */
export const finishLiveAvatar = (state: LiveAvatarState, outcome: { exitCode: number | null; saveFile: string; saveFileExists: boolean }): WorkerEvent[] => {
  if (outcome.exitCode !== 0 || !outcome.saveFileExists) return [];
  const events: WorkerEvent[] = [];
  if (state.phase !== null) events.push({ type: "phase", phase: state.phase, state: "end" });
  // The audio may have held fewer clips than expected: a clean exit is all of the work.
  const forwards = state.expected.forwards ?? progress(state).forward;
  events.push({ type: "progress", phase: "denoise", forward: forwards, of: forwards });
  events.push(...videoEvents(state, state.videoPath ?? outcome.saveFile), ...resultEvent(state, forwards));
  return events;
};
