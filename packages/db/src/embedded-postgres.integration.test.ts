import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startDatabase } from "./embedded-postgres.ts";
import { startTestCluster } from "./testing/test-database.ts";

const query = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe("embedded PostgreSQL", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("keeps its data across a restart on the same data dir, and lets a second process reuse a running server", async () => {
    const cluster = await startTestCluster();
    cleanups.push(cluster.dispose);
    expect(cluster.kind).toBe("embedded");
    await query(cluster.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");

    const reused = await startDatabase({ dataDir: cluster.dataDir });
    expect(reused.kind).toBe("reused");
    expect(reused.url).toBe(cluster.url);
    await reused.stop(); // a no-op: the first caller owns the server
    expect(await query(cluster.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);

    await cluster.stop();
    const restarted = await startDatabase({ dataDir: cluster.dataDir });
    cleanups.push(restarted.stop);
    expect(restarted.kind).toBe("embedded");
    expect(await query(restarted.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);
  });
});
