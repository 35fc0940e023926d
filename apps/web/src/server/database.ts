import type { Db, OpenDatabase, Queue } from "@headroom/db";
import { createQueue, openDatabase } from "./data.ts";

// One PostgreSQL (DATABASE_URL or the embedded one) and one client per server process, kept across dev reloads.
const holder = globalThis as { headroomDatabase?: Promise<OpenDatabase>; headroomQueue?: Promise<Queue> };

export const getOpenDatabase = (): Promise<OpenDatabase> => {
  holder.headroomDatabase ??= openDatabase().catch((error: unknown) => {
    holder.headroomDatabase = undefined;
    throw error;
  });
  return holder.headroomDatabase;
};

export const getDatabase = async (): Promise<Db> => (await getOpenDatabase()).db;

/** The process's pg-boss on the same database, started once (it creates its schema and queues on first start). */
export const getQueue = (): Promise<Queue> => {
  holder.headroomQueue ??= getOpenDatabase()
    .then(async ({ url }) => {
      const queue = createQueue(url);
      await queue.start();
      return queue;
    })
    .catch((error: unknown) => {
      holder.headroomQueue = undefined;
      throw error;
    });
  return holder.headroomQueue;
};
