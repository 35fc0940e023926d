import { getDb, type Db } from "./client.ts";
import { startDatabase, type StartDatabaseOptions } from "./embedded-postgres.ts";
import { migrate } from "./migrate.ts";

export type OpenDatabase = { db: Db; url: string; close: () => Promise<void> };

/** What an app runs at start: PostgreSQL (DATABASE_URL or the embedded one), migrated, and the process's client. */
export const openDatabase = async (options: StartDatabaseOptions = {}): Promise<OpenDatabase> => {
  const server = await startDatabase(options);
  try {
    await migrate(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const db = getDb(server.url);
  return {
    db,
    url: server.url,
    close: async () => {
      await db.$disconnect();
      await server.stop();
    },
  };
};
