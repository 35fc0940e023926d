import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
/** A client or an open transaction: every query function takes either as its first argument. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export const createDb = (url: string): Db => new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });

// Kept on globalThis so dev-server module reloads reuse one pool instead of leaking connections.
const holder = globalThis as { headroomDb?: { url: string; db: Db } };

/** The process's one client (and pool) for `url`. */
export const getDb = (url: string): Db => {
  if (holder.headroomDb && holder.headroomDb.url !== url) throw new Error("getDb: this process already uses another database");
  holder.headroomDb ??= { url, db: createDb(url) };
  return holder.headroomDb.db;
};

/** Runs `fn` in one transaction; inside an open transaction it joins that one instead of nesting. */
export const withTransaction = <T>(db: DbClient, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> =>
  "$transaction" in db ? db.$transaction(fn) : fn(db);
