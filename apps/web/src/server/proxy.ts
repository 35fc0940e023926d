import { Agent, request as upstreamRequest, type IncomingMessage, type ServerResponse } from "node:http";

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): each side of the proxy sets its own. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

/** Raw header pairs (repeats such as set-cookie kept, in order) without the hop-by-hop ones. */
const endToEnd = (raw: readonly string[]): string[] => {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
};

const unavailable = (response: ServerResponse) => {
  const body = JSON.stringify({ error: { class: "unavailable", message: "the web app is not answering; try again in a moment" } });
  response.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
};

/** A streaming reverse proxy to a server on this machine: bodies pass through as they come (uploads, streamed
 * pages), the client's headers reach the upstream unchanged (Host included), and an upstream that is down or
 * drops the connection is a 502 with a message, never a hung request. */
export const proxyTo = (port: number) => {
  const agent = new Agent({ keepAlive: true });
  return (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = upstreamRequest({ host: "127.0.0.1", port, method: request.method, path: request.url, headers: endToEnd(request.rawHeaders), agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
      answer.pipe(response);
      answer.once("error", () => response.destroy());
    });
    upstream.once("error", () => (response.headersSent ? response.destroy() : unavailable(response)));
    response.once("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  };
};
