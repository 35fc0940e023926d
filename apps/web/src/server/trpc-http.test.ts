import { TRPCError } from "@trpc/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DATABASE_UNAVAILABLE, SERVER_FAILED } from "./public-error.ts";
import { publicProcedure, router, type Context } from "./trpc.ts";
import { MAX_TRPC_BODY_BYTES, handleTrpcRequest, readCappedBody } from "./trpc-http.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

const testRouter = router({
  echo: publicProcedure.input(z.object({ text: z.string() })).mutation(({ input }) => input.text.length),
  fail: publicProcedure.input(z.object({ kind: z.string() })).mutation(({ input }): never => {
    if (input.kind === "db") throw withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    if (input.kind === "prisma") throw new Error("Invalid `prisma.jobEvent.findMany()` invocation in /work/main/packages/db/src/queries/list-job-events.ts:12:3 Value out of range for the type");
    if (input.kind === "sql") throw withCode('relation "job" does not exist at character 15: SELECT * FROM job', "42P01");
    if (input.kind === "path") throw new Error("ENOENT: no such file or directory, open '/srv/storage/tmp/x.part'");
    throw new TRPCError({ code: "BAD_REQUEST", message: "LiveAvatar needs one image and one audio file" });
  }),
});

const createContext = vi.fn(async () => ({}) as Context);
const call = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  handleTrpcRequest(new Request(`http://localhost/api/trpc/${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, duplex: "half" } as RequestInit), { router: testRouter, createContext });
const errorOf = async (response: Response) => ((await response.json()) as { error: { json: { message: string; data: Record<string, unknown> } } }).error.json;

describe("tRPC errors reach the client through the one mapping", () => {
  const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  afterEach(() => consoleError.mockClear());

  it("a lost database reads 'unavailable, try again' (503), logged in full", async () => {
    const response = await call("fail", JSON.stringify({ json: { kind: "db" } }));
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.message).toBe(DATABASE_UNAVAILABLE);
    expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|5432|ECONNREFUSED/);
    expect(String(consoleError.mock.calls.flat().map((arg) => (arg instanceof Error ? arg.message : arg)))).toContain("127.0.0.1:5432");
  });

  it.each(["prisma", "sql", "path"])("a %s error reads one fixed sentence (500): no path, SQL or library text, no stack", async (kind) => {
    const response = await call("fail", JSON.stringify({ json: { kind } }));
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.message).toBe(SERVER_FAILED);
    expect(error.data.stack).toBeUndefined();
    expect(JSON.stringify(error)).not.toMatch(/prisma|\/work\/|\/srv\/|SELECT|relation|ENOENT/i);
    expect(consoleError).toHaveBeenCalled();
  });

  it("our own TRPCErrors keep their words", async () => {
    const response = await call("fail", JSON.stringify({ json: { kind: "mine" } }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe("LiveAvatar needs one image and one audio file");
  });
});

describe("the body cap", () => {
  it("answers a body under the cap", async () => {
    const response = await call("echo", JSON.stringify({ json: { text: "x".repeat(1000) } }));
    expect(response.status).toBe(200);
  });

  it("refuses a 50 MB body by its declared length with 413, before any context or parsing", async () => {
    createContext.mockClear();
    const body = new Uint8Array(50 * 1024 * 1024);
    const response = await call("echo", body);
    expect(response.status).toBe(413);
    expect(createContext).not.toHaveBeenCalled();
  });

  it("refuses a chunked body with no length once it passes the cap, keeping none of the rest but draining it first", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
        if (pulled >= 50 * 1024 * 1024) controller.close();
      },
    });
    const response = await call("echo", stream);
    expect(response.status).toBe(413);
    // the client got to send all of it before the answer (a socket closed mid-send reaches it as a reset, not the 413)
    expect(pulled).toBeGreaterThanOrEqual(50 * 1024 * 1024);
  });

  it("reads a body under the cap whole, from a stream without a length", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new Uint8Array(1000).fill(1));
        controller.enqueue(new Uint8Array(24).fill(2));
        controller.close();
      },
    });
    const request = new Request("http://localhost/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    const body = await readCappedBody(request, MAX_TRPC_BODY_BYTES);
    expect(body?.byteLength).toBe(1024);
    expect(body?.[1000]).toBe(2);
  });

  it("reads a body at exactly the cap", async () => {
    const request = new Request("http://localhost/", { method: "POST", body: new Uint8Array(MAX_TRPC_BODY_BYTES) });
    expect((await readCappedBody(request, MAX_TRPC_BODY_BYTES))?.byteLength).toBe(MAX_TRPC_BODY_BYTES);
  });
});
