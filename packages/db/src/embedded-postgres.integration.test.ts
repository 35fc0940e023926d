import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startDatabase } from "./embedded-postgres.ts";
import { freePort, startTestCluster } from "./testing/test-database.ts";

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

  it("keeps its data across a restart on the same data dir, and lets a second process reuse a running server and see it go", async () => {
    const cluster = await startTestCluster();
    cleanups.push(cluster.dispose);
    expect(cluster.kind).toBe("embedded");
    await query(cluster.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");

    const reused = await startDatabase({ dataDir: cluster.dataDir });
    expect(reused.kind).toBe("reused");
    expect(reused.url).toBe(cluster.url);
    await reused.stop(); // a no-op: the first caller owns the server
    expect(await query(cluster.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);

    let reusedExited = false;
    void reused.exited!.then(() => (reusedExited = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(reusedExited).toBe(false); // watched while it runs …
    await cluster.stop();
    await reused.exited; // … and settled once the server it reused is gone
    const restarted = await startDatabase({ dataDir: cluster.dataDir });
    cleanups.push(restarted.stop);
    expect(restarted.kind).toBe("embedded");
    expect(await query(restarted.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);
  });

  it("on a fixed port: a killed server settles `exited`, and the next start answers on the same URL with the data kept", async () => {
    const cluster = await startTestCluster();
    cleanups.push(cluster.dispose);
    await cluster.stop();
    const port = await freePort();
    const first = await startDatabase({ dataDir: cluster.dataDir, port });
    expect(first.url).toContain(`:${port}/`);
    await query(first.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('after a crash')");

    const postmasterPid = Number(readFileSync(join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(postmasterPid, "SIGKILL");
    await first.exited;
    await first.stop(); // resolves at once: the server is gone (embedded-postgres' own stop would wait forever)

    const second = await startDatabase({ dataDir: cluster.dataDir, port });
    cleanups.push(second.stop);
    expect(second.url).toBe(first.url);
    expect(await query(second.url, "SELECT value FROM kept")).toEqual([{ value: "after a crash" }]);
  });
});
