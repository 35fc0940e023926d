// Shared by the worker's integration tests: a real embedded PostgreSQL, jobs submitted as the web submits them,
// workers in this process or as real child processes.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createAsset, createJob, createQueue, enqueueJob, withTransaction, type Db, type JobRunner, type Queue } from "@headroom/db";
import { createTestDatabase, startMigratedTemplate } from "@headroom/db/testing";
import { estimate, resolvePlan, type Plan, type PlanInput } from "@headroom/estimator";
import { capture, HOST_CAPTURES } from "../preflight/captures.ts";
import type { Collectors } from "../preflight/collect-captures.ts";
import { SYSTEM_PYTHON } from "../testing/python-torch.ts";
import { startWorkerApiServer } from "../testing/worker-api-server.ts";
import { parseWorkerSettings } from "./worker-settings.ts";

const WORKER_DIR = fileURLToPath(new URL("../..", import.meta.url));
const FAKE_SMI = fileURLToPath(new URL("../vram/fixtures/fake-nvidia-smi.mjs", import.meta.url));

/** A host whose nvidia-smi answers with the committed 2 × H200 captures. */
export const h200Host: Collectors = {
  run: async (_command, args) => {
    const host = HOST_CAPTURES.h200x2();
    return { stdout: args[0] === "topo" ? host.topo : args[0] === "-q" ? host.memory : host.query, error: null };
  },
  readMeminfo: async () => capture("h200x2/meminfo.txt"),
};

/** An executable `nvidia-smi` streaming two GPUs' rising memory.used (the VRAM sampler's fixture). */
export const fakeNvidiaSmi = (): string => {
  const path = join(mkdtempSync(join(tmpdir(), "smi-")), "nvidia-smi");
  writeFileSync(path, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_SMI}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
};

/** Fast clocks for tests: poll 100 ms, heartbeat 0.5 s, lost after 3 s silent, sweep every 0.5 s. */
export const testEnv = (name: string, bed: Pick<TestBed, "storageDir" | "webUrl">, scratchDir = bed.storageDir): Record<string, string> => ({
  WORKER_NAME: name,
  HEADROOM_SCRATCH_DIR: scratchDir,
  HEADROOM_WEB_URL: bed.webUrl,
  PROBE_DEVICE: "cpu",
  HEADROOM_PYTHON: SYSTEM_PYTHON,
  HEADROOM_POLL_MS: "100",
  HEADROOM_CANCEL_POLL_MS: "200",
  HEADROOM_HEARTBEAT_S: "0.5",
  HEADROOM_LOST_AFTER_S: "3",
  HEADROOM_SWEEP_S: "0.5",
  HEADROOM_SHUTDOWN_GRACE_S: "1",
  HEADROOM_CANCEL_GRACE_S: "2",
  HEADROOM_JOB_TIMEOUT_S: "120",
});

export const testSettings = (name: string, bed: Pick<TestBed, "storageDir" | "webUrl">, extra: Record<string, string> = {}) => parseWorkerSettings({ ...testEnv(name, bed), ...extra });

/** `storageDir` is the web app's storage (its worker API serves it at `webUrl`); a worker's scratch is its own. */
export type TestBed = { db: Db; url: string; queue: Queue; storageDir: string; webUrl: string; teamId: string; userId: string; close: () => Promise<void> };

/** One migrated embedded PostgreSQL for a test file, a queue on it (1 retry, 1 s backoff) and a team. */
export const startTestBed = async (): Promise<TestBed> => {
  const cluster = await startMigratedTemplate();
  const database = await createTestDatabase(cluster.templateUrl);
  const queue = createQueue(database.url, { retryLimit: 1, retryDelaySeconds: 1 });
  await queue.start();
  const user = await database.db.user.create({ data: { name: "Ada", email: `ada-${Date.now()}@example.test` }, select: { id: true } });
  const team = await database.db.organization.create({ data: { name: "Team", slug: `team-${Date.now()}` }, select: { id: true } });
  const storageDir = mkdtempSync(join(tmpdir(), "headroom-storage-"));
  const web = await startWorkerApiServer({ db: database.db, storageDir });
  return {
    db: database.db,
    url: database.url,
    queue,
    storageDir,
    webUrl: web.url,
    teamId: team.id,
    userId: user.id,
    close: async () => {
      await web.close();
      await queue.stop();
      await database.drop();
      await cluster.dispose();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
};

/** A file stored as the web stores an upload: copied under the web's storage root, an asset row with its real size and SHA-256. */
export const storeInput = async (bed: TestBed, file: string, input: { kind: "image" | "audio"; mime: string; storagePath: string; durationSeconds?: number }) => {
  const bytes = readFileSync(file);
  mkdirSync(dirname(join(bed.storageDir, input.storagePath)), { recursive: true });
  copyFileSync(file, join(bed.storageDir, input.storagePath));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return createAsset(bed.db, { teamId: bed.teamId, uploaderId: bed.userId, bytes: bytes.length, sha256, ...input });
};

/** A job row and its queue job in one transaction, as the web's create mutation does. */
export const submitJob = (bed: TestBed, input: { plan?: PlanInput | Plan; runner?: JobRunner; inputAssetIds?: string[]; prompt?: string } = {}) =>
  withTransaction(bed.db, async (tx) => {
    const plan = "model" in (input.plan ?? {}) ? (input.plan as Plan) : resolvePlan((input.plan ?? {}) as PlanInput);
    const job = await createJob(tx, { teamId: bed.teamId, userId: bed.userId, plan, runner: input.runner ?? "probe", prompt: input.prompt ?? null, estimate: estimate(plan), inputAssetIds: input.inputAssetIds ?? [] });
    await enqueueJob(tx, bed.queue, { jobId: job.id, plan, runner: job.runner });
    return job;
  });

export const waitFor = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export type WorkerProcess = { child: ChildProcess; lines: string[]; exited: Promise<number | null> };

/** `tsx src/main.ts` as a real process (node --import tsx, so a kill reaches the worker itself, not a launcher). */
export const spawnWorker = (env: Record<string, string>): WorkerProcess => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: WORKER_DIR, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exited };
};

/** Pids of processes whose command line mentions `text` (a test's own temp path): the runs a test started. */
export const pidsMentioning = (text: string): number[] =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
