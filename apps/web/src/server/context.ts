import type { Context } from "./trpc.ts";
import { getDatabase, getQueue } from "./database.ts";
import { env } from "./env.ts";
import { getViewer, type Viewer } from "./viewer.ts";

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let promise: Promise<T> | undefined;
  return () => (promise ??= fn());
};

/** A request's context: the process's database and queue, the viewer looked up only when a procedure asks. */
export const createRequestContext = async (headers: Headers): Promise<Context> => ({
  db: await getDatabase(),
  storageDir: env.STORAGE_DIR,
  viewer: once<Viewer | null>(() => getViewer(headers)),
  queue: await getQueue(),
});
