import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dropRequestBody, readRequestBody } from "./request-body.ts";

const CHUNK_BYTES = 16 * 1024;

/** A request as Next builds one from the incoming message: Node's fetch `Request` over an async iterable body. */
const chunkedRequest = (chunks: number) => {
  async function* body() {
    for (let i = 0; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
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

describe("readRequestBody", () => {
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
    expect(await consume(readRequestBody(chunkedRequest(5).body), 1e9)).toBe(5 * CHUNK_BYTES);
  });

  it("stops an over-limit body sent in 16 KiB chunks without an uncaught 'ReadableStream is already closed'", async () => {
    await expect(consume(readRequestBody(chunkedRequest(10).body), 150_000)).rejects.toThrow("over the limit");
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("(the old way, Readable.fromWeb, cancels the stream and raises it)", async () => {
    await expect(consume(Readable.fromWeb(chunkedRequest(10).body as NodeReadableStream<Uint8Array>), 150_000)).rejects.toThrow("over the limit");
    await settle();
    expect(uncaught.map((error) => (error as Error).message)).toContain("Invalid state: ReadableStream is already closed");
  });
  it("drops a body refused before it was read, to its end, so the client can finish sending and read the refusal", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled += 1;
        if (pulled > 10) controller.close();
        else controller.enqueue(new Uint8Array(1024));
      },
    });
    dropRequestBody(body);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(11);
    expect(body.locked).toBe(true);
  });
});
