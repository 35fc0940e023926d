// `npm run e2e -w @headroom/web`: everything the browser tests need, from a fresh machine. Installs Debian's
// Chromium (and the CPU PyTorch the worker's probe needs) when missing, builds the app, starts a throwaway
// PostgreSQL, the built web app and a worker in CPU probe mode, runs Playwright, and stops it all.
import { execSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startTestCluster } from "@headroom/db/testing";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const REPO_DIR = join(WEB_DIR, "..", "..");
const LOG_DIR = join(WEB_DIR, "e2e", "logs");
const hasWorker = process.env.E2E_NO_WORKER !== "1";

const sh = (command: string) => execSync(command, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
const succeeds = (command: string) => spawnSync("sh", ["-c", command], { stdio: "ignore" }).status === 0;

const ensureSystemPackages = () => {
  const missing = [
    ...(existsSync("/usr/bin/chromium") ? [] : ["chromium"]),
    ...(hasWorker && !succeeds("/usr/bin/python3 -c 'import torch'") ? ["python3-torch"] : []),
  ];
  if (missing.length === 0) return;
  console.log(`e2e: installing ${missing.join(", ")} (apt)`);
  sh(`apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`);
};


const start = (name: string, command: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess => {
  const log = createWriteStream(join(LOG_DIR, `${name}.log`));
  // its own process group, so stopping it stops npm, sh and the server under them
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
};

const stop = async (child: ChildProcess | null) => {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
};

const waitForHealth = async (baseUrl: string, web: ChildProcess) => {
  for (let i = 0; i < 120; i++) {
    if (web.exitCode !== null) throw new Error(`the web server exited (${web.exitCode}); see e2e/logs/web.log`);
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the web server did not answer within 60 s");
};

ensureSystemPackages();
mkdirSync(LOG_DIR, { recursive: true });
if (process.env.E2E_SKIP_BUILD !== "1") sh(`npm run build --prefix ${JSON.stringify(WEB_DIR)}`);

const cluster = await startTestCluster("headroom");
const storage = mkdtempSync(join(tmpdir(), "headroom-e2e-storage-"));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const shared = { DATABASE_URL: cluster.url, STORAGE_DIR: storage, HEADROOM_STORAGE_DIR: storage };
let web: ChildProcess | null = null;
let worker: ChildProcess | null = null;
let code: number;
try {
  web = start("web", "npm", ["run", "start"], WEB_DIR, { ...shared, PORT: String(port), BETTER_AUTH_SECRET: randomBytes(32).toString("hex"), BETTER_AUTH_URL: baseUrl });
  await waitForHealth(baseUrl, web);
  if (hasWorker) worker = start("worker", "npm", ["run", "start", "-w", "@headroom/worker"], REPO_DIR, { ...shared, PROBE_DEVICE: "cpu", PROBE_SCALE: "tiny", WORKER_NAME: "e2e-cpu-worker", HEADROOM_PYTHON: "/usr/bin/python3", HEADROOM_WEB_URL: baseUrl, HEADROOM_SCRATCH_DIR: join(storage, "..", `${basename(storage)}-worker`) });
  const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], { cwd: WEB_DIR, stdio: "inherit", env: { ...process.env, BASE_URL: baseUrl, E2E_WORKER: hasWorker ? "1" : "0" } });
  code = result.status ?? 1;
} finally {
  await stop(worker);
  await stop(web);
  await cluster.dispose();
  rmSync(storage, { recursive: true, force: true });
}
process.exit(code);
