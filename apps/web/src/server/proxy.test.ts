import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proxyTo } from "./proxy.ts";

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};

let upstream: Server;
let front: Server;
let base: string;
beforeAll(async () => {
  upstream = createServer((request, response) => {
    if (request.url === "/echo") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        response.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({ method: request.method, host: request.headers.host, cookie: request.headers.cookie, body: Buffer.concat(chunks).toString() }));
      });
      return;
    }
    if (request.url === "/stream") {
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("first ");
      setTimeout(() => response.end("second"), 50);
      return;
    }
    response.destroy(); // a crash mid-request
  });
  const upstreamPort = await listen(upstream);
  const toUpstream = proxyTo(upstreamPort);
  front = createServer((request, response) => toUpstream(request, response));
  base = `http://127.0.0.1:${await listen(front)}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
});

describe("proxyTo", () => {
  it("passes method, Host, cookies and the body through, and every set-cookie back", async () => {
    const response = await fetch(`${base}/echo`, { method: "POST", headers: { cookie: "session=s1" }, body: "x".repeat(100_000) });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    const echoed = await response.json();
    expect(echoed).toEqual({ method: "POST", host: new URL(base).host, cookie: "session=s1", body: "x".repeat(100_000) });
  });

  it("streams an answer that arrives in parts", async () => {
    expect(await (await fetch(`${base}/stream`)).text()).toBe("first second");
  });

  it("answers 502 with a message when the upstream drops the request", async () => {
    const response = await fetch(`${base}/crash`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: { class: "unavailable", message: expect.stringMatching(/not answering/) } });
  });

  it("answers 502 when nothing listens upstream", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const orphan = createServer(proxyTo(port));
    const orphanBase = `http://127.0.0.1:${await listen(orphan)}`;
    const response = await fetch(`${orphanBase}/anything`);
    expect(response.status).toBe(502);
    orphan.closeAllConnections();
    await new Promise((resolve) => orphan.close(resolve));
  });
});
