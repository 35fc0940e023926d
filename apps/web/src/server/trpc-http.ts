import type { AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context } from "./trpc.ts";

/** No procedure takes more than a plan, a prompt and two ids: a megabyte is generous, and bounds what is parsed. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

const tooLarge = () => Response.json({ error: { message: `The request is larger than the ${MAX_TRPC_BODY_BYTES / 1024 / 1024} MiB limit.`, code: "PAYLOAD_TOO_LARGE" } }, { status: 413 });

/** The body, read until it passes `maxBytes` (then null, the rest left unread): a declared length over the cap is refused unread. */
export const readCappedBody = async (request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> => {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= maxBytes)) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
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
