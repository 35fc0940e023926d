// The built app on one public port, in two processes. This one answers the session-free feasibility API itself and
// passes everything else to Next, which runs in a child process (next-server.ts). Kept apart because with Next in
// the same process, collections of its heap landed on the API's event loop and set its p99 under distinct plans
// (bench/feasibility-load.ts). `npm run start` (PORT, default 3000); `npm run dev` keeps `next dev`.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { FEASIBILITY_PATH, handleFeasibility } from "./src/server/feasibility-http.ts";
import { proxyTo } from "./src/server/proxy.ts";

const port = Number(process.env.PORT ?? 3000);

const nextProcess = fork(fileURLToPath(new URL("./next-server.ts", import.meta.url)), { stdio: "inherit" });
const nextPort = await new Promise<number>((resolve, reject) => {
  nextProcess.once("message", (message: { port: number }) => resolve(message.port));
  nextProcess.once("exit", (code) => reject(new Error(`the Next process exited (${code}) before it listened`)));
});
nextProcess.once("exit", (code) => {
  console.error(`headroom web: the Next process exited (${code})`);
  process.exit(code || 1);
});
const toNext = proxyTo(nextPort);

const isFeasibility = (url: string | undefined) => url !== undefined && url.startsWith(FEASIBILITY_PATH) && (url.length === FEASIBILITY_PATH.length || url[FEASIBILITY_PATH.length] === "?");

const server = createServer((request, response) => (isFeasibility(request.url) ? handleFeasibility(request, response) : toNext(request, response)));
server.listen(port, () => console.log(`headroom web: http://localhost:${port}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    nextProcess.removeAllListeners("exit");
    nextProcess.kill("SIGTERM");
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
