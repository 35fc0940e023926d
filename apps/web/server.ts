// The built app behind one node:http server: the session-free feasibility API is answered here directly and
// everything else goes to Next. `npm run start` (PORT, default 3000); `npm run dev` keeps `next dev`. A 64 MB young
// generation (--max-semi-space-size in the start script): an estimate allocates ~45 KB of terms, and smaller
// semi-spaces promote them into old-generation collections that show up as p99 latency.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import next from "next";
import { FEASIBILITY_PATH, handleFeasibility } from "./src/server/feasibility-http.ts";

const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: false, dir: fileURLToPath(new URL(".", import.meta.url)), port });
const handle = app.getRequestHandler();
await app.prepare();

const isFeasibility = (url: string | undefined) => url !== undefined && url.startsWith(FEASIBILITY_PATH) && (url.length === FEASIBILITY_PATH.length || url[FEASIBILITY_PATH.length] === "?");

const server = createServer((request, response) => {
  if (isFeasibility(request.url)) return handleFeasibility(request, response);
  void handle(request, response);
});
server.listen(port, () => console.log(`headroom web: http://localhost:${port}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
