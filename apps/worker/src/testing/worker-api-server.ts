// The web app's worker API (apps/web/src/server/worker-api, the handlers its Next routes call) on a plain Node HTTP
// server, so the worker's integration tests move files over real HTTP without building Next.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { DbClient } from "@headroom/db";
import { artifactOffset, receiveArtifact } from "../../../web/src/server/worker-api/receive-artifact.ts";
import { receiveJobEvents, receiveVramSamples } from "../../../web/src/server/worker-api/receive-reports.ts";
import { sendJobInput } from "../../../web/src/server/worker-api/send-input.ts";

export type WorkerApiServer = { url: string; server: Server; close: () => Promise<void> };

const route = async (deps: { db: DbClient; storageDir: string }, request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const input = /^\/api\/worker\/jobs\/([^/]+)\/inputs\/([^/]+)$/.exec(url.pathname);
  if (input && request.method === "GET") return sendJobInput(deps, request.headers, input[1]!, input[2]!);
  const artifact = /^\/api\/worker\/jobs\/([^/]+)\/artifacts\/([^/]+)$/.exec(url.pathname);
  const kind = url.searchParams.get("kind");
  if (artifact && request.method === "HEAD") return artifactOffset(deps, request.headers, artifact[1]!, decodeURIComponent(artifact[2]!), kind);
  if (artifact && request.method === "PUT") return receiveArtifact(deps, request, artifact[1]!, decodeURIComponent(artifact[2]!), kind);
  const report = /^\/api\/worker\/jobs\/([^/]+)\/(events|vram-samples)$/.exec(url.pathname);
  if (report && request.method === "POST") return (report[2] === "events" ? receiveJobEvents : receiveVramSamples)(deps, request, report[1]!);
  return new Response("not found", { status: 404 });
};

const toRequest = (message: IncomingMessage, origin: string): Request => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = message.method !== "GET" && message.method !== "HEAD";
  return new Request(new URL(message.url ?? "/", origin), {
    method: message.method ?? "GET",
    headers,
    ...(hasBody && { body: Readable.toWeb(message) as ReadableStream<Uint8Array>, duplex: "half" }),
  } as RequestInit);
};

export const startWorkerApiServer = async (deps: { db: DbClient; storageDir: string }): Promise<WorkerApiServer> => {
  let origin = "";
  const server = createServer((message, reply) => {
    void route(deps, toRequest(message, origin))
      .then(async (response) => {
        reply.writeHead(response.status, Object.fromEntries(response.headers));
        if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) reply.write(chunk);
        reply.end();
      })
      .catch((error: unknown) => {
        if (!reply.headersSent) reply.writeHead(500);
        reply.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: origin, server, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
};
