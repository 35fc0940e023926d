import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestBody } from "./request-body.ts";

const CHUNK_BYTES = 16 * 1024;

const sentChunks = () => ({ count: 0 });

/** A request as Next builds one from the incoming message: Node's fetch `Request` over an async iterable body. */
const chunkedRequest = (chunks: number, sent = sentChunks()) => {
  async function* body() {
    for (let i = 0; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      sent.count += 1;
      yield new Uint8Array(CHUNK_BYTES).fill(i);
    }
  }
  return new Request("http://localhost/api/uploads?kind=image", { method: "POST", body: body() as unknown as BodyInit, duplex: "half" } as RequestInit);
};

/** Counts bytes like storeUpload's meter and fails past `maxBytes`. */
const consume = (body: AsyncIterable<Uint8Array>, maxBytes: number) => {
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? new Error("over the limit") : null);
    },
  });
  return pipeline(body, meter).then(() => bytes);
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("requestBody", () => {
  let uncaught: unknown[];
  const record = (error: unknown) => uncaught.push(error);
  beforeEach(() => {
    uncaught = [];
    process.on("uncaughtException", record);
  });
  afterEach(() => {
    process.off("uncaughtException", record);
  });

  it("passes every chunk of a body that fits", async () => {
    const body = requestBody(chunkedRequest(5).body);
    expect(await consume(body.chunks, 1e9)).toBe(5 * CHUNK_BYTES);
    await body.settled();
  });

  it("stops an over-limit body sent in 16 KiB chunks without an uncaught 'ReadableStream is already closed'", async () => {
    await expect(consume(requestBody(chunkedRequest(10).body).chunks, 150_000)).rejects.toThrow("over the limit");
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("(the old way, Readable.fromWeb, cancels the stream and raises it)", async () => {
    await expect(consume(Readable.fromWeb(chunkedRequest(10).body as NodeReadableStream<Uint8Array>), 150_000)).rejects.toThrow("over the limit");
    await settle();
    expect(uncaught.map((error) => (error as Error).message)).toContain("Invalid state: ReadableStream is already closed");
  });
  it("settles a body refused part way only once the client has sent the rest, so it reads the refusal, not a reset", async () => {
    const sent = sentChunks();
    const body = requestBody(chunkedRequest(40, sent).body);
    await expect(consume(body.chunks, 150_000)).rejects.toThrow("over the limit");
    expect(sent.count).toBeLessThan(40);
    await body.settled();
    expect(sent.count).toBe(40);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("drains a body refused before it was read, to its end, before settling", async () => {
    const sent = trackedBody(0);
    const body = requestBody(sent.stream);
    await body.settled();
    expect(sent.pulls()).toBe(11);
    expect(sent.stream.locked).toBe(true);
  });

  it("stops waiting at the byte bound and at the time bound", async () => {
    const endless = trackedBody(Infinity);
    await requestBody(endless.stream, { bytes: 5 * 1024, ms: 60_000 }).settled();
    expect(endless.pulls()).toBeLessThan(10);
    const trickle = trackedBody(0, 50);
    const started = Date.now();
    await requestBody(trickle.stream, { bytes: 1e9, ms: 100 }).settled();
    expect(Date.now() - started).toBeLessThan(400);
    expect(trickle.pulls()).toBeLessThan(11);
  });
});

/** 10 + `extra` chunks of 1 KiB (endless with Infinity) then the end, each pull after `delayMs`; counts the pulls. */
const trackedBody = (extra: number, delayMs = 0) => {
  let pulled = 0;
  const chunks = 10 + extra;
  const stream = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      pulled += 1;
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (pulled > chunks) controller.close();
      else controller.enqueue(new Uint8Array(1024));
    },
  });
  return { stream, pulls: () => pulled };
};
