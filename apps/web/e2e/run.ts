// `npm run e2e -w @headroom/web`: everything the browser tests need, from a fresh machine. Installs Debian's
// Chromium, ffmpeg (and the CPU PyTorch the worker's probe needs) when missing, builds the app, starts a throwaway
// PostgreSQL, the built web app, a worker in CPU probe mode and a simulated GPU host, runs Playwright, and stops it all.
import { execSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startTestCluster } from "@headroom/db/testing";
import { LIVEAVATAR_ENTRY } from "@headroom/estimator";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const REPO_DIR = join(WEB_DIR, "..", "..");
const LOG_DIR = join(WEB_DIR, "e2e", "logs");
const WORKER_SRC = join(REPO_DIR, "apps", "worker", "src");
const hasWorker = process.env.E2E_NO_WORKER !== "1";
const FFMPEG = "/usr/bin/ffmpeg";

const sh = (command: string) => execSync(command, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
const succeeds = (command: string) => spawnSync("sh", ["-c", command], { stdio: "ignore" }).status === 0;

const ensureSystemPackages = () => {
  const missing = [
    ...(existsSync("/usr/bin/chromium") ? [] : ["chromium"]),
    ...(hasWorker && !existsSync(FFMPEG) ? ["ffmpeg"] : []),
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

/**
 * A GPU host made of the worker's test fixtures, for a real worker process: `nvidia-smi` answers with the committed
 * 2 × H200 capture, and LiveAvatar is a checkout whose `torchrun` is the stand-in launcher, which replays a
 * reconstructed single-GPU log and writes a short real H.264 MP4 from the job's image and audio with Debian's ffmpeg.
 * Only LiveAvatar is installed there (the probe and the upstream harness point nowhere), so probe jobs stay with the
 * CPU worker, as on a team's real LiveAvatar box.
 */
const simulatedGpuHost = (root: string): Record<string, string> => {
  const script = (path: string, body: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  script(join(root, "bin", "nvidia-smi"), `exec '${process.execPath}' '${join(WORKER_SRC, "testing", "fake-nvidia-smi-host.mjs")}' "$@"`);
  const checkout = join(root, "LiveAvatar");
  mkdirSync(join(checkout, "ckpt", "Wan2.2-S2V-14B"), { recursive: true });
  mkdirSync(dirname(join(checkout, LIVEAVATAR_ENTRY)), { recursive: true });
  writeFileSync(join(checkout, LIVEAVATAR_ENTRY), "# stand-in: the worker checks that it exists; the fake torchrun never runs it\n");
  script(join(root, "torchrun"), `FAKE_FFMPEG='${FFMPEG}' exec '${process.execPath}' '${join(WORKER_SRC, "liveavatar", "fixtures", "fake-torchrun.mjs")}' "$@"`);
  return {
    PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}`,
    HEADROOM_LIVEAVATAR_DIR: checkout,
    HEADROOM_TORCHRUN: join(root, "torchrun"),
    HEADROOM_PROBE_SCRIPT: join(root, "no-probe", "probe.py"),
    HEADROOM_UPSTREAM_DIR: join(root, "no-upstream"),
  };
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
// the workers reach the web's storage only through its HTTP worker API, each with its own empty scratch folder
const scratch = mkdtempSync(join(tmpdir(), "headroom-e2e-hosts-"));
let web: ChildProcess | null = null;
const workers: ChildProcess[] = [];
let code: number;
try {
  web = start("web", "npm", ["run", "start"], WEB_DIR, { DATABASE_URL: cluster.url, STORAGE_DIR: storage, PORT: String(port), BETTER_AUTH_SECRET: randomBytes(32).toString("hex"), BETTER_AUTH_URL: baseUrl });
  await waitForHealth(baseUrl, web);
  if (hasWorker) {
    const worker = (name: string, env: Record<string, string>) =>
      start(name, "npm", ["run", "start", "-w", "@headroom/worker"], REPO_DIR, { DATABASE_URL: cluster.url, WORKER_NAME: name, HEADROOM_WEB_URL: baseUrl, HEADROOM_SCRATCH_DIR: join(scratch, name, "scratch"), ...env });
    workers.push(worker("e2e-cpu-worker", { PROBE_DEVICE: "cpu", PROBE_SCALE: "tiny", HEADROOM_PYTHON: "/usr/bin/python3" }));
    workers.push(worker("e2e-gpu-host", simulatedGpuHost(join(scratch, "e2e-gpu-host", "host"))));
  }
  const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], { cwd: WEB_DIR, stdio: "inherit", env: { ...process.env, BASE_URL: baseUrl, E2E_WORKER: hasWorker ? "1" : "0" } });
  code = result.status ?? 1;
} finally {
  await Promise.all(workers.map(stop));
  await stop(web);
  await cluster.dispose();
  rmSync(storage, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
