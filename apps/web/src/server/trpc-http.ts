import type { AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context } from "./trpc.ts";
import { readCapped, withRequestBody } from "./request-body.ts";

/** No procedure takes more than a plan, a prompt and two ids: a megabyte is generous, and bounds what is parsed. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

const tooLarge = () => Response.json({ error: { message: `The request is larger than the ${MAX_TRPC_BODY_BYTES / 1024 / 1024} MiB limit.`, code: "PAYLOAD_TOO_LARGE" } }, { status: 413 });

/** The body, or null past `maxBytes`; a refusal returns once the rest the client is sending is drained (request-body.ts). */
export const readCappedBody = (request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> =>
  withRequestBody(request.body, (body) => readCapped(body, request.headers.get("content-length"), maxBytes));

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
