// `npm start` itself, on loopback ports and a throwaway data dir (so neither the e2e nor a developer's npm start on
// :3000 is touched): the attack replay, then what issue 16 asked of the supervisor —
//   kill -9 of the worker → restarted, the job completes;
//   PostgreSQL killed → restarted on its port, web and worker recover with no manual restart;
//   Ctrl-C with a job running → exit 0, the job queued again with no attempt spent, done after the next start;
//   SIGTERM with a job running → the same.
// Jobs run the worker's quick stand-in probe (no PyTorch: the processes are under test, not the model), each phase
// PHASE_S long. Run by `npm test` after the e2e (whose build of apps/web it reuses); about 2–3 min on 2 cores.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { freePort } from "@headroom/db";
import { resolvePlan } from "@headroom/estimator";
import { leakIn, replayAttacks } from "./attack-replay.ts";
import { dataOf, signUp, type Client } from "./loopback-client.ts";

const REPO_DIR = fileURLToPath(new URL("..", import.meta.url));
const QUICK_PROBE = join(REPO_DIR, "apps/worker/src/worker/fixtures/quick-probe.py");
/** Each of the stand-in probe's four phases: a job runs ~8 s, long enough to be caught running. */
const PHASE_S = 2;
/** The worker's grace on a stop (npm start waits for it plus 15 s): short, the job is released when it ends. */
const GRACE_S = 2;
/** Well past a start (PostgreSQL, migrations, Next) or a job on 2 busy cores, short of a hang. */
const STEP_TIMEOUT_MS = 90_000;
/** The whole check: its steps are bounded, this bounds their sum. */
const TOTAL_TIMEOUT_MS = 6 * 60_000;

type JobRow = { id: string; state: string; attempts: number; errorClass: string | null };
type Running = { child: ChildProcess; lines: string[]; exited: Promise<number | null> };

const root = mkdtempSync(join(tmpdir(), "headroom-start-check-"));
chmodSync(root, 0o755); // as root PostgreSQL runs as `postgres`, which must reach its data dir
const webPort = await freePort();
const baseUrl = `http://127.0.0.1:${webPort}`;
const env = {
  ...process.env,
  PORT: String(webPort),
  BETTER_AUTH_URL: baseUrl,
  BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
  HEADROOM_POSTGRES_DIR: join(root, "postgres"),
  HEADROOM_POSTGRES_PORT: String(await freePort()),
  HEADROOM_STORAGE_DIR: join(root, "storage"),
  DATABASE_URL: "",
  WORKER_NAME: "start-check",
  PROBE_DEVICE: "cpu",
  PROBE_SCALE: "tiny",
  HEADROOM_PYTHON: "python3",
  HEADROOM_PROBE_SCRIPT: QUICK_PROBE,
  QUICK_PROBE_PHASE_S: String(PHASE_S),
  HEADROOM_SHUTDOWN_GRACE_S: String(GRACE_S),
  // a killed worker's job is taken back as lost within seconds, not the default 2 min
  HEADROOM_HEARTBEAT_S: "1",
  HEADROOM_LOST_AFTER_S: "5",
  HEADROOM_SWEEP_S: "1",
};

const log = (line: string) => console.log(`start-check: ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async <T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = STEP_TIMEOUT_MS): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
};

/** `npm start`'s script as npm runs it, in a process group of its own (a terminal's foreground group gets Ctrl-C). */
const startHeadroom = async (): Promise<Running> => {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: REPO_DIR, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const text = rest + chunk.toString();
      const parts = text.split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
      if (process.env.START_CHECK_VERBOSE) parts.forEach((line) => console.log(`  | ${line}`));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  current = { child, lines, exited };
  await waitFor("the web app to answer", async () => (await fetch(`${baseUrl}/api/health`)).ok);
  return current;
};

/** The npm start now running, if any: stopped as a service manager would (SIGTERM, then SIGKILL after a minute). */
let current: Running | null = null;
const stopCurrent = async () => {
  const headroom = current;
  if (!headroom || headroom.child.exitCode !== null || headroom.child.signalCode !== null) return;
  process.kill(headroom.child.pid!, "SIGTERM");
  const isGone = await Promise.race([headroom.exited.then(() => true), sleep(60_000).then(() => false)]);
  if (!isGone) process.kill(headroom.child.pid!, "SIGKILL");
};

const childPid = (parent: number, script: string): number => {
  const found = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .map(Number)
    .find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(script));
  if (!found) throw new Error(`no child running ${script}`);
  return found;
};

const jobOf = async (client: Client, id: string) => dataOf<{ job: JobRow }>(await client.query("jobs.get", { id })).job;
const submit = async (client: Client): Promise<string> => {
  // the worker registers its host a moment after the web is up: until then the plan is saved as a check
  const outcome = await waitFor("a worker to take jobs", async () => {
    const answer = dataOf<{ kind: string; job?: { id: string } }>(await client.mutate("jobs.submit", { plan: resolvePlan({}), runner: "probe", confirmWarnings: true }));
    return answer.kind === "queued" ? answer : null;
  });
  return outcome.job!.id;
};
const settled = (client: Client, id: string) =>
  waitFor(`job ${id} to finish`, async () => {
    const job = await jobOf(client, id);
    return ["succeeded", "failed", "cancelled"].includes(job.state) ? job : null;
  });
const running = (client: Client, id: string) => waitFor(`job ${id} to run`, async () => (await jobOf(client, id)).state === "running");

const failures: string[] = [];
const expectThat = (what: string, isTrue: boolean, detail: unknown) => {
  log(`${isTrue ? "ok" : "FAILED"}  ${what}${isTrue ? "" : `: ${JSON.stringify(detail)}`}`);
  if (!isTrue) failures.push(what);
};

/** Stops npm start with `signal` to its process group's leader, as a terminal (SIGINT) or a service manager (SIGTERM). */
const stopWith = async (headroom: Running, signal: NodeJS.Signals): Promise<number | null> => {
  process.kill(headroom.child.pid!, signal);
  return headroom.exited;
};

const check = async () => {
  let headroom = await startHeadroom();
  log(`npm start up on ${baseUrl}`);
  try {
    // 1. the attack replay
    const outcomes = await replayAttacks(baseUrl, (line) => log(line));
    for (const outcome of outcomes) expectThat(`${outcome.name}: ${outcome.held}/${outcome.tries} held`, outcome.failures.length === 0, outcome.failures);

    const client = await signUp(baseUrl, "Ops");

    // 2. kill -9 of the worker (its whole group, the probe too) with a job running
    const killed = await submit(client);
    await running(client, killed);
    const workerPid = childPid(headroom.child.pid!, "src/main.ts");
    process.kill(-workerPid, "SIGKILL");
    const afterKill = await settled(client, killed);
    expectThat("kill -9 of the worker: restarted, and the job completes", afterKill.state === "succeeded" && childPid(headroom.child.pid!, "src/main.ts") !== workerPid, afterKill);

    // 3. PostgreSQL killed: the supervisor starts it again on its port; web and worker carry on without a restart by hand
    const postmaster = Number(readFileSync(join(env.HEADROOM_POSTGRES_DIR, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(postmaster, "SIGKILL");
    await waitFor("PostgreSQL to be restarted", async () => headroom.lines.some((line) => /postgres exited .*restarting/.test(line)));
    // during the gap clients get the app's own error, never the driver's "connect ECONNREFUSED 127.0.0.1:<port>"
    const outageLeaks: string[] = [];
    await waitFor("the web app to read the database again", async () => {
      const answer = await client.query("jobs.list", {});
      const leak = leakIn(answer.body);
      if (leak) outageLeaks.push(`${answer.status}: ${leak}: ${answer.body.slice(0, 160)}`);
      return answer.status === 200;
    });
    expectThat("PostgreSQL down: no client body names a path, a port or the driver", outageLeaks.length === 0, outageLeaks.slice(0, 3));
    const afterOutage = await settled(client, await submit(client));
    expectThat("PostgreSQL killed: web and worker recover, a new job completes", afterOutage.state === "succeeded", afterOutage);

    // 4. Ctrl-C with a job running
    const interrupted = await submit(client);
    await running(client, interrupted);
    const ctrlC = await stopWith(headroom, "SIGINT");
    expectThat("Ctrl-C: npm start exits 0", ctrlC === 0, ctrlC);

    // 5. next start: the job runs again and succeeds on its first attempt; then SIGTERM with another running
    headroom = await startHeadroom();
    const afterCtrlC = await settled(client, interrupted);
    expectThat("after Ctrl-C: the job queued again with no attempt spent, then succeeded (attempt 1)", afterCtrlC.state === "succeeded" && afterCtrlC.attempts === 1, afterCtrlC);
    const terminated = await submit(client);
    await running(client, terminated);
    const sigterm = await stopWith(headroom, "SIGTERM");
    expectThat("SIGTERM: npm start exits 0", sigterm === 0, sigterm);

    headroom = await startHeadroom();
    const afterTerm = await settled(client, terminated);
    expectThat("after SIGTERM: the job queued again with no attempt spent, then succeeded (attempt 1)", afterTerm.state === "succeeded" && afterTerm.attempts === 1, afterTerm);
  } finally {
    await stopCurrent();
  }
};

const started = Date.now();
const outcome = await Promise.race([check().then(() => null, (error: Error) => error), sleep(TOTAL_TIMEOUT_MS).then(() => new Error(`took over ${TOTAL_TIMEOUT_MS / 1000} s`))]);
if (outcome) failures.push(outcome.message);
await stopCurrent();
if (failures.length > 0 || process.env.START_CHECK_VERBOSE) console.log((current as Running | null)?.lines.slice(-80).join("\n") ?? "");
rmSync(root, { recursive: true, force: true });
log(`${failures.length === 0 ? "passed" : `FAILED (${failures.join("; ")})`} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(failures.length === 0 ? 0 : 1);
