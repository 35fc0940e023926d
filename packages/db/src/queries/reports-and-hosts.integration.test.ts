import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NotFoundError } from "../errors.ts";
import type { HostInventory } from "../host-inventory.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import { fixturePlan, seedTeam } from "../testing/fixtures.ts";
import { createFeasibilityReport, getFeasibilityReport } from "./feasibility-reports.ts";
import { addMember, getMemberRole, listMembers, listUserTeams } from "./teams.ts";
import { HOST_ONLINE_WINDOW_MS, listWorkerHosts, upsertWorkerHost } from "./worker-hosts.ts";

const inventory: HostInventory = {
  gpus: [0, 1].map((index) => ({
    index,
    name: "NVIDIA H100 80GB HBM3",
    busId: `00000000:1${index}:00.0`,
    totalBytes: 81_559 * 2 ** 20,
    freeBytes: 81_000 * 2 ** 20,
    usedBytes: 559 * 2 ** 20,
    reservedBytes: null,
    driverVersion: "580.95.05",
    pcieWidth: 16,
    pcieGen: 5,
  })),
  links: [{ a: 0, b: 1, kind: "NV", label: "NV18", nvlinks: 18 }],
  hostRam: { totalBytes: 2 * 1024 ** 4, availableBytes: 1.9 * 1024 ** 4 },
  cudaVersion: "13.0",
  warnings: [],
};

describe("feasibility reports, hosts and teams", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"));
  });
  afterAll(() => database.drop());

  it("stores an immutable report under an unguessable id and reads it back by id alone", async () => {
    const { team, user } = await seedTeam(database.db, "reports");
    const snapshot = fixturePlan();
    const report = await createFeasibilityReport(database.db, { ...snapshot, teamId: team.id, createdById: user.id });
    expect(report.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(report.estimatorVersion).toBe(snapshot.estimate.estimatorVersion);
    const read = await getFeasibilityReport(database.db, report.id);
    expect(read).toEqual(report);
    expect(read.verdict).toEqual(snapshot.verdict);
    expect(read.estimate).toEqual(snapshot.estimate);
    expect(Object.keys(read).sort()).toEqual(["createdAt", "createdById", "estimate", "estimatorVersion", "id", "plan", "teamId", "verdict"]);
    const anonymous = await createFeasibilityReport(database.db, snapshot);
    expect(anonymous).toMatchObject({ teamId: null, createdById: null });
    expect(anonymous.id).not.toBe(report.id);
    await expect(getFeasibilityReport(database.db, "guessed-id")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("registers a host, refreshes it by name and judges it online from its last preflight", async () => {
    const seenAt = new Date("2026-11-26T12:00:00.000Z");
    const preflight = fixturePlan().verdict.findings;
    const first = await upsertWorkerHost(database.db, { name: "box", hostname: "box.local", inventory, preflight: [], seenAt });
    const again = await upsertWorkerHost(database.db, {
      name: "box",
      hostname: "box.lan",
      inventory: { ...inventory, gpus: inventory.gpus.slice(0, 1) },
      preflight,
      seenAt: new Date(seenAt.getTime() + 1000),
    });
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ hostname: "box.lan", isOnline: true, preflight });
    expect(again.inventory.gpus).toHaveLength(1);
    const later = new Date(seenAt.getTime() + 1000 + HOST_ONLINE_WINDOW_MS + 1);
    const hosts = await listWorkerHosts(database.db, { now: later });
    expect(hosts).toEqual([{ ...again, isOnline: false }]);
  });

  it("lists a team's members with their roles", async () => {
    const { team, user } = await seedTeam(database.db, "members");
    expect(await listMembers(database.db, team.id)).toMatchObject([{ userId: user.id, teamId: team.id, role: "owner", user: { email: user.email } }]);
    expect(await getMemberRole(database.db, { teamId: team.id, userId: user.id })).toBe("owner");
    const other = await seedTeam(database.db, "outsider");
    expect(await getMemberRole(database.db, { teamId: team.id, userId: other.user.id })).toBeNull();
  });

  it("lists a user's teams with their role in each, in the order they joined, and no one else's", async () => {
    const first = await seedTeam(database.db, "first");
    const second = await seedTeam(database.db, "second");
    await seedTeam(database.db, "unrelated");
    await addMember(database.db, { teamId: second.team.id, userId: first.user.id, role: "admin" });
    expect(await listUserTeams(database.db, first.user.id)).toEqual([
      { ...first.team, role: "owner" },
      { ...second.team, role: "admin" },
    ]);
    expect(await listUserTeams(database.db, second.user.id)).toEqual([{ ...second.team, role: "owner" }]);
  });
});
