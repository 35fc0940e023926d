// Router tests call the real routers through createCaller against a fresh copy of the migrated database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostInventory } from "@headroom/db/host-inventory";
import { createTestDatabase } from "@headroom/db/testing";
import { upsertWorkerHost } from "@headroom/db";
import { inject } from "vitest";
import { createQueue, createUser } from "../server/data.ts";
import { createCaller } from "../server/root.ts";
import { createPersonalTeam } from "../server/teams.ts";
import type { Viewer } from "../server/viewer.ts";

export const TEST_HOST_NAME = "router-test-host";
const H200_BYTES = 143_771 * 2 ** 20; // nvidia-smi's total for an H200 (apps/worker/src/preflight/captures/h200x2)
const TEST_HOST_INVENTORY: HostInventory = {
  gpus: Array.from({ length: 8 }, (_, index) => ({ index, name: "NVIDIA H200", busId: null, totalBytes: H200_BYTES, freeBytes: H200_BYTES, usedBytes: 0, reservedBytes: null, driverVersion: "570.0", pcieWidth: 16, pcieGen: 5 })),
  links: [], hostRam: null, cudaVersion: null, warnings: [], device: "cuda", runners: ["liveavatar", "probe", "upstream"],
};

export const startRouterHarness = async () => {
  const database = await createTestDatabase(inject("templateUrl"));
  const queue = createQueue(database.url, { onError: () => {} });
  await queue.start();
  // submit queues only what an online host can run: one host with every runner and room for any catalog plan
  await upsertWorkerHost(database.db, { name: TEST_HOST_NAME, hostname: "router-test", inventory: TEST_HOST_INVENTORY, preflight: [] });
  const storageDir = mkdtempSync(join(tmpdir(), "headroom-storage-"));
  const callerFor = (viewer: Viewer | null) => createCaller({ db: database.db, storageDir, queue, viewer: async () => viewer });
  /** A new account with its own team, as sign-up makes it. */
  const signUp = async (name: string): Promise<Viewer & { teamId: string }> => {
    const user = await createUser(database.db, { name, email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.test` });
    const team = await createPersonalTeam(database.db, user);
    return { userId: user.id, name: user.name, email: user.email, teamId: team.id };
  };
  return {
    db: database.db,
    url: database.url,
    queue,
    storageDir,
    callerFor,
    signUp,
    close: async () => {
      await queue.stop();
      await database.drop();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
};

export type RouterHarness = Awaited<ReturnType<typeof startRouterHarness>>;
