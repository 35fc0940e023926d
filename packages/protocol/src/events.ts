import { z } from "zod";

/**
 * The runner protocol: one JSON object per stdout line. The Python probe (apps/worker/python,
 * headroom_probe/mem.py Emitter) writes these; the LiveAvatar translator produces the same shapes.
 * Every event may carry the emitting rank and a unix time `t` in seconds; extra fields are kept.
 */
const envelope = { rank: z.number().int().min(0).optional(), t: z.number().optional() };

export const PHASES = ["load", "encode", "denoise", "decode", "save"] as const;
export type Phase = (typeof PHASES)[number];

export const ERROR_CLASSES = ["out-of-memory", "bad-input", "not-installed", "timeout", "cancelled", "crashed"] as const;
export const ErrorClass = z.enum(ERROR_CLASSES);
export type ErrorClass = z.infer<typeof ErrorClass>;

/** A phase starts or ends (the probe: load, encode, denoise, decode; LiveAvatar adds save). */
export const PhaseEvent = z.looseObject({ type: z.literal("phase"), ...envelope, phase: z.string(), state: z.enum(["start", "end"]) });

const count = z.number().int().min(0);

/**
 * Denoise: `forward` of `of` DiT forwards done; `of` is null where the total is unknown (num_clip 10000 with
 * audio of unknown length). The probe adds where that forward sits: `block` (0 is its one-step warm-up block)
 * of `blocks`, `step` of `steps`, `clip` (0-based) of `clips`. Decode: clip `clip` (0-based) of `of` decoded,
 * no `forward` (headroom_probe/runner.py _decode_clips).
 */
export const ProgressEvent = z.looseObject({
  type: z.literal("progress"),
  ...envelope,
  phase: z.string(),
  forward: count.optional(),
  of: count.nullable(),
  seconds: z.number().nullable().optional(),
  clip: count.optional(),
  clips: count.optional(),
  block: count.optional(),
  blocks: count.optional(),
  step: count.optional(),
  steps: count.optional(),
});

/** Peak bytes of one phase as the probe measured them (allocator peaks and device-level use). */
export const MemoryEvent = z.looseObject({
  type: z.literal("memory"),
  ...envelope,
  phase: z.string(),
  allocated: z.number(),
  reserved: z.number(),
  deviceUsed: z.number(),
  outsideAllocator: z.number().optional(),
  seconds: z.number().optional(),
});

export const LogEvent = z.looseObject({
  type: z.literal("log"),
  ...envelope,
  message: z.string(),
  level: z.enum(["debug", "info", "warning", "error"]).optional(),
  stream: z.enum(["stdout", "stderr"]).optional(),
});

export const ArtifactEvent = z.looseObject({
  type: z.literal("artifact"),
  ...envelope,
  kind: z.enum(["video", "log", "measurement"]),
  path: z.string().min(1),
});

/** The run's answer: the probe's measurement (fits, peaks per phase …) or LiveAvatar's video. */
export const ResultEvent = z.looseObject({ type: z.literal("result"), ...envelope });

export const ErrorEvent = z.looseObject({
  type: z.literal("error"),
  ...envelope,
  message: z.string(),
  phase: z.string().nullable().optional(),
  errorClass: ErrorClass.optional(),
  /** From "Tried to allocate X GiB" when the error is an out-of-memory. */
  needBytes: z.number().nullable().optional(),
});

export const WorkerEvent = z.discriminatedUnion("type", [PhaseEvent, ProgressEvent, MemoryEvent, LogEvent, ArtifactEvent, ResultEvent, ErrorEvent]);
export type WorkerEvent = z.infer<typeof WorkerEvent>;
export type PhaseEvent = z.infer<typeof PhaseEvent>;
export type ProgressEvent = z.infer<typeof ProgressEvent>;
export type MemoryEvent = z.infer<typeof MemoryEvent>;
export type LogEvent = z.infer<typeof LogEvent>;
export type ArtifactEvent = z.infer<typeof ArtifactEvent>;
export type ResultEvent = z.infer<typeof ResultEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;

/**
 * One stdout line → one event. A line that is not JSON is a log line; JSON that is not a valid
 * event is kept as a warning log with the reason, never dropped.
 */
export const parseProtocolLine = (line: string): WorkerEvent => {
  const text = line.trim();
  if (!text.startsWith("{")) return { type: "log", message: line, stream: "stdout" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { type: "log", message: line, stream: "stdout" };
  }
  const parsed = WorkerEvent.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { type: "log", level: "warning", stream: "stdout", message: `unreadable event (${issue?.path.join(".") || "type"}: ${issue?.message}): ${text.slice(0, 500)}` };
};
