import type { AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context } from "./trpc.ts";
import { requestBody } from "./request-body.ts";

/** No procedure takes more than a plan, a prompt and two ids: a megabyte is generous, and bounds what is parsed. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

const tooLarge = () => Response.json({ error: { message: `The request is larger than the ${MAX_TRPC_BODY_BYTES / 1024 / 1024} MiB limit.`, code: "PAYLOAD_TOO_LARGE" } }, { status: 413 });

/**
 * The body, kept until it passes `maxBytes` (then null): a declared length over the cap is refused unkept. Either way a
 * refusal waits until the rest the client is sending is drained (bounded: request-body.ts), so it reads the 413.
 */
export const readCappedBody = async (request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> => {
  const incoming = requestBody(request.body);
  try {
    const declared = request.headers.get("content-length");
    if (declared !== null && !(Number(declared) <= maxBytes)) return null;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of incoming.chunks) {
      total += chunk.byteLength;
      if (total > maxBytes) return null;
      chunks.push(chunk);
    }
    const body = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
    return body;
  } finally {
    await incoming.settled();
  }
};

/** /api/trpc: bodies over the cap get 413 before tRPC parses anything. */
export const handleTrpcRequest = async (request: Request, options: { router: AnyTRPCRouter; createContext: () => Promise<Context>; maxBodyBytes?: number }): Promise<Response> => {
  let req = request;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const body = await readCappedBody(request, options.maxBodyBytes ?? MAX_TRPC_BODY_BYTES);
    if (body === null) return tooLarge();
    const headers = new Headers(request.headers);
    headers.delete("transfer-encoding");
    headers.set("content-length", String(body.byteLength));
    req = new Request(request.url, { method: request.method, headers, body, signal: request.signal });
  }
  return fetchRequestHandler({ endpoint: "/api/trpc", req, router: options.router, createContext: options.createContext });
};
