import { z } from "zod";
import type { DbClient, JobEventInput, JsonObject } from "@headroom/db";
import { WorkerEvent } from "@headroom/protocol";
import { storeJobEventBatch, storeVramBatch } from "../data.ts";
import { readCapped, withRequestBody, type RequestBody } from "../request-body.ts";
import { authorizeHost } from "./authorize-host.ts";

/**
 * Limits on one batch, this app's choice and far above what a worker sends: the reporter flushes every 0.5 s (a busy
 * runner logs tens of lines in that time), the VRAM recorder every 5 s at one sample per 100 ms (50 per GPU).
 */
const EVENTS_MAX_BYTES = 4 * 2 ** 20;
const EVENTS_MAX_COUNT = 2000;
const VRAM_MAX_BYTES = 2 ** 20;
/** 16 GPUs is the largest host the estimator plans for (8 is the common maximum; 16 leaves room). */
const VRAM_MAX_GPUS = 16;
/** Ten minutes of 100 ms samples in one chunk: a worker that lost the web for a while sends what it kept. */
const VRAM_MAX_SAMPLES = 6000;
/** nvidia-smi reports memory.used in MiB; 2^20 MiB (1 TiB) is above any GPU's memory. */
const MAX_MIB = 2 ** 20;

const seq = z.number().int().min(1).max(2 ** 31 - 1);

const EventsBody = z.strictObject({
  seq,
  events: z.array(z.unknown()).max(EVENTS_MAX_COUNT),
  /** The job row's progress (0..1) and phase, applied only while the job runs. */
  patch: z.strictObject({ progress: z.number().min(0).max(1).optional(), phase: z.string().min(1).max(128).optional() }).optional(),
});

const VramBody = z.strictObject({
  seq,
  chunks: z
    .array(
      z.strictObject({
        gpuIndex: z.number().int().min(0).max(VRAM_MAX_GPUS - 1),
        startedAt: z.iso.datetime(),
        samplesMib: z.array(z.number().int().min(0).max(MAX_MIB)).min(1).max(VRAM_MAX_SAMPLES),
      }),
    )
    .max(VRAM_MAX_GPUS),
});

type ReportDeps = { db: DbClient };

const refuse = (status: number, error: string) => Response.json({ error }, { status });

/** The body as JSON, at most `maxBytes` (413 past it, without reading the rest into memory). */
const readJson = async (request: Request, body: RequestBody, maxBytes: number): Promise<{ json: unknown } | Response> => {
  const bytes = await readCapped(body, request.headers.get("content-length"), maxBytes);
  if (bytes === null) return refuse(413, `a batch may be at most ${maxBytes / 2 ** 20} MiB`);
  try {
    return { json: JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown };
  } catch {
    return refuse(400, "the body is not JSON");
  }
};

/** A zod failure in a sentence: where and what, never the value; too many events or samples is 413. */
const problem = (error: z.ZodError) => {
  const issue = error.issues[0]!;
  return refuse(issue.code === "too_big" && issue.origin === "array" ? 413 : 400, `the batch is malformed: ${issue.path.join(".") || "body"}: ${issue.message}`);
};

/**
 * What both report routes do first: the host holds the job, the body is JSON within `maxBytes`, and it has the batch's
 * shape; else the refusal, sent once the rest of the body is drained (so the worker reads the answer).
 */
const readHeldBatch = <T>(deps: ReportDeps, request: Request, jobId: string, maxBytes: number, schema: z.ZodType<T>) =>
  withRequestBody(request.body, async (incoming) => {
    const job = await authorizeHost(deps.db, request.headers, jobId, { reporting: true });
    if (job instanceof Response) return job;
    const body = await readJson(request, incoming, maxBytes);
    if (body instanceof Response) return body;
    const parsed = schema.safeParse(body.json);
    return parsed.success ? { job, batch: parsed.data } : problem(parsed.error);
  });

/** A runner event as a job event row; `t` (unix seconds, the protocol's envelope) is when it happened. */
const toRow = (event: WorkerEvent): JobEventInput => ({ type: event.type, payload: event as JsonObject, at: event.t === undefined ? new Date() : new Date(event.t * 1000) });

/**
 * POST /api/worker/jobs/<job>/events: a batch of the run's events in the runner protocol's shape, in order, numbered
 * by `seq` (1, 2, 3 … per attempt); stored once however often it is sent. 200 `{ stored }` (false for a repeat).
 */
export const receiveJobEvents = async (deps: ReportDeps, request: Request, jobId: string): Promise<Response> => {
  const held = await readHeldBatch(deps, request, jobId, EVENTS_MAX_BYTES, EventsBody);
  if (held instanceof Response) return held;
  const { job, batch } = held;
  const events: JobEventInput[] = [];
  for (const [i, raw] of batch.events.entries()) {
    const event = WorkerEvent.safeParse(raw);
    if (!event.success) return refuse(400, `event ${i} is not a runner event: ${event.error.issues[0]!.path.join(".") || "type"}: ${event.error.issues[0]!.message}`);
    events.push(toRow(event.data));
  }
  const { stored } = await storeJobEventBatch(deps.db, { jobId, attempt: job.attempts, seq: batch.seq, events, patch: batch.patch ?? {} });
  return Response.json({ stored });
};

/** POST /api/worker/jobs/<job>/vram-samples: chunks of the job's GPUs' VRAM series, numbered like events, stored once. */
export const receiveVramSamples = async (deps: ReportDeps, request: Request, jobId: string): Promise<Response> => {
  const held = await readHeldBatch(deps, request, jobId, VRAM_MAX_BYTES, VramBody);
  if (held instanceof Response) return held;
  const { job, batch } = held;
  const chunks = batch.chunks.map((chunk) => ({ ...chunk, startedAt: new Date(chunk.startedAt) }));
  const { stored } = await storeVramBatch(deps.db, { jobId, attempt: job.attempts, seq: batch.seq, chunks });
  return Response.json({ stored });
};
