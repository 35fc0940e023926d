import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrate, MIGRATIONS_DIR } from "./migrate.ts";
import { createTestDatabase } from "./testing/test-database.ts";

describe("migrate", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"), { empty: true });
  });
  afterAll(() => database.drop());

  it("applies every migration to an empty database, once, even when called concurrently", async () => {
    const runs = await Promise.all([migrate(database.url), migrate(database.url)]);
    const applied = runs.flat();
    const versions = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith(".sql")).map((file) => Number.parseInt(file, 10));
    expect(applied.map((m) => m.version)).toEqual(versions.sort((a, b) => a - b));
    expect(applied[0]).toMatchObject({ version: 1, name: "init" });
    expect(await migrate(database.url)).toEqual([]);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    await client.end();
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      "account",
      "artifact",
      "asset",
      "feasibility_report",
      "host_token",
      "invitation",
      "job",
      "job_event",
      "job_report_batch",
      "member",
      "organization",
      "schemaversion",
      "session",
      "user",
      "verification",
      "vram_series",
      "worker_host",
    ]);
  });
});
