import { fileURLToPath } from "node:url";
import pg from "pg";
import Postgrator from "postgrator";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));
// Any constant: serialises concurrent migrate() calls (web and worker starting together, many hosts).
const MIGRATION_LOCK_KEY = 7_242_001;

export type AppliedMigration = { version: number; name: string };

/**
 * Applies the SQL files in packages/db/migrations (`NNN.do.<name>.sql`) that the database has not seen yet,
 * in order. Each file runs as one multi-statement query, which PostgreSQL executes as one transaction.
 */
export const migrate = async (url: string): Promise<AppliedMigration[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    const postgrator = new Postgrator({
      migrationPattern: `${MIGRATIONS_DIR}/*.sql`,
      driver: "pg",
      database: client.database,
      schemaTable: "schemaversion",
      execQuery: (query) => client.query(query),
    });
    const applied = await postgrator.migrate();
    return applied.map((m) => ({ version: m.version, name: m.name }));
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
};
