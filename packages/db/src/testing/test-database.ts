// Test support for any workspace that needs a real PostgreSQL: "@headroom/db/testing".
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db } from "../client.ts";
import { startDatabase, type RunningDatabase } from "../embedded-postgres.ts";
import { migrate } from "../migrate.ts";

export { freePort } from "../free-port.ts";

export type TestCluster = RunningDatabase & { dataDir: string; dispose: () => Promise<void> };

/** A throwaway embedded PostgreSQL in a fresh temp folder (removed by `dispose`). */
export const startTestCluster = async (database = "headroom"): Promise<TestCluster> => {
  const root = mkdtempSync(join(tmpdir(), "headroom-pg-"));
  chmodSync(root, 0o755); // as root the server runs as `postgres`, which must reach the data dir
  const dataDir = join(root, "data");
  const server = await startDatabase({ dataDir, database });
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
};

/** Starts a test cluster whose `headroom_template` database is migrated: what a vitest globalSetup provides. */
export const startMigratedTemplate = async (): Promise<TestCluster & { templateUrl: string }> => {
  const cluster = await startTestCluster(TEMPLATE_DATABASE);
  await migrate(cluster.url);
  return { ...cluster, templateUrl: cluster.url };
};

export const TEMPLATE_DATABASE = "headroom_template";

const withDatabaseName = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

const admin = async <T>(templateUrl: string, fn: (client: pg.Client) => Promise<T>) => {
  const client = new pg.Client({ connectionString: withDatabaseName(templateUrl, "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/**
 * A fresh database copied from the migrated template (a few ms), so each test file sees only its own rows.
 * With `empty: true` it is unmigrated (to test migrations themselves).
 */
export const createTestDatabase = async (
  templateUrl: string,
  options: { empty?: boolean } = {},
): Promise<{ db: Db; url: string; drop: () => Promise<void> }> => {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : TEMPLATE_DATABASE;
  await admin(templateUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabaseName(templateUrl, name);
  const db = createDb(url);
  return {
    db,
    url,
    drop: async () => {
      await db.$disconnect();
      await admin(templateUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};
