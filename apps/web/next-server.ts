// Next.js in its own process, on a loopback port it reports to server.ts (the process that owns the public port).
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import next from "next";

const app = next({ dev: false, dir: fileURLToPath(new URL(".", import.meta.url)) });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => void handle(request, response));
// Longer than the front's idle sockets live, so the front never sends on a socket this side is closing.
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop); // the front process is gone
