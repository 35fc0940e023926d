// Every model, every column, written and read back through the generated client against the migrated SQL:
// a schema.prisma field the migrations lack (or a type that differs) fails here.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Db } from "./client.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { encodeVramSamples } from "./vram-samples.ts";
import { createTestDatabase } from "./testing/test-database.ts";
import { fixturePlan, sha256Of } from "./testing/fixtures.ts";

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 12, 0, seconds, 123));
const { plan, estimate, verdict } = fixturePlan();

/** The model's columns, as the generated client knows them. */
const columnsOf = (model: Prisma.ModelName): string[] =>
  Object.values((Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`] ?? {}).sort();

// One full row per model, every column set to a non-default value, in foreign-key order.
const rows = {
  User: { id: "u1", name: "Ada", email: "ada@example.test", emailVerified: true, image: "https://example.test/a.png", createdAt: at(1), updatedAt: at(2) },
  Organization: { id: "o1", name: "Team A", slug: "team-a", logo: "logo.png", createdAt: at(3), metadata: '{"plan":"free"}' },
  Session: {
    id: "s1",
    expiresAt: at(50),
    token: "token-1",
    createdAt: at(4),
    updatedAt: at(5),
    ipAddress: "127.0.0.1",
    userAgent: "vitest",
    userId: "u1",
    activeOrganizationId: "o1",
  },
  Account: {
    id: "a1",
    accountId: "u1",
    providerId: "credential",
    userId: "u1",
    accessToken: "at",
    refreshToken: "rt",
    idToken: "it",
    accessTokenExpiresAt: at(6),
    refreshTokenExpiresAt: at(7),
    scope: "openid",
    password: "scrypt$hash",
    createdAt: at(8),
    updatedAt: at(9),
  },
  Verification: { id: "v1", identifier: "email:ada@example.test", value: "123456", expiresAt: at(10), createdAt: at(11), updatedAt: at(12) },
  Member: { id: "m1", organizationId: "o1", userId: "u1", role: "owner", createdAt: at(13) },
  Invitation: {
    id: "i1",
    organizationId: "o1",
    email: "bob@example.test",
    role: "member",
    status: "accepted",
    expiresAt: at(14),
    createdAt: at(15),
    inviterId: "u1",
  },
  HostToken: {
    id: "ht1",
    name: "rented box",
    secretHash: "b".repeat(64),
    teamIds: ["o1"],
    allTeams: true,
    createdById: "u1",
    createdAt: at(27),
    revokedAt: at(28),
  },
  WorkerHost: {
    id: "h1",
    name: "gpu-box-1",
    hostname: "gpu-box-1.local",
    lastSeenAt: at(16),
    inventory: { gpus: [], links: [], hostRam: null, cudaVersion: null, warnings: ["no GPU"] },
    preflight: [{ ruleId: "x" }],
    createdAt: at(17),
    updatedAt: at(18),
    tokenId: "ht1",
  },
  Asset: {
    id: "as1",
    teamId: "o1",
    uploaderId: "u1",
    kind: "audio",
    mime: "audio/wav",
    bytes: 5_000_000_000n,
    sha256: sha256Of("wav"),
    storagePath: "o1/as1.wav",
    durationSeconds: 12.5,
    width: 640,
    height: 480,
    createdAt: at(19),
  },
  FeasibilityReport: {
    id: "r1",
    teamId: "o1",
    createdById: "u1",
    plan,
    estimate,
    verdict,
    estimatorVersion: estimate.estimatorVersion,
    createdAt: at(20),
  },
  Job: {
    id: "j1",
    teamId: "o1",
    userId: "u1",
    plan,
    prompt: "A dwarf at his forge, laughing.\nWarm light.",
    inputAssetIds: ["as1"],
    state: "failed",
    runner: "probe",
    hostId: "h1",
    attempts: 2,
    progress: 0.5,
    phase: "denoise",
    createdAt: at(21),
    startedAt: at(22),
    finishedAt: at(23),
    errorClass: "out_of_memory",
    errorMessage: "CUDA out of memory",
    predictedPeakBytes: 25_000_000_000n,
    measuredPeakBytes: 25_400_000_000n,
    estimate,
    lastEventSeq: 1,
  },
  JobEvent: { jobId: "j1", seq: 1, type: "error", payload: { message: "oom", phase: "denoise" }, at: at(24) },
  VramSeries: { id: 1n, jobId: "j1", gpuIndex: 3, startedAt: at(25), intervalMs: 250, sampleCount: 3, samples: encodeVramSamples([1, 2, 81_000]) },
  JobReportBatch: { jobId: "j1", attempt: 2, stream: "vram", seq: 7, createdAt: at(27) },
  Artifact: { id: "ar1", jobId: "j1", kind: "measurement", path: "j1/measurement.json", bytes: 1234n, mime: "application/json", createdAt: at(26) },
} satisfies Record<Prisma.ModelName, Record<string, unknown>>;

type Delegate = { create: (args: { data: unknown }) => Promise<unknown>; findMany: () => Promise<unknown[]> };
const delegateOf = (db: Db, model: Prisma.ModelName) =>
  (db as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)] as Delegate;

describe("schema.prisma against the migrated SQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase(inject("templateUrl"));
  });
  afterAll(() => database.drop());

  it("covers every model the client knows", () => {
    expect(Object.keys(rows).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it.each(Object.keys(rows) as Prisma.ModelName[])("%s: every column is written and read back unchanged", async (model) => {
    const row = rows[model];
    expect(Object.keys(row).sort(), "the test row sets every column").toEqual(columnsOf(model));
    const delegate = delegateOf(database.db, model);
    await delegate.create({ data: row });
    expect(await delegate.findMany()).toEqual([row]);
  });
});
