// Load test on loopback: the built server under 200 connections for ~10 s per endpoint (autocannon), next to a
// static health endpoint on the same server as the framework's own floor. `npm run bench -w @headroom/web`
// (builds first when .next is missing). Target: feasibility p99 < 20 ms.
import { spawn, execSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startTestCluster } from "@headroom/db/testing";
import { resolvePlan } from "@headroom/estimator";
import autocannon from "autocannon";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);


const trpcQuery = (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

type Row = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number };

/** Waits until the server has worked off what the previous run left queued (a quick health answer). */
const drain = async (baseUrl: string) => {
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    await fetch(`${baseUrl}/api/health`).catch(() => null);
    if (performance.now() - started < 50) return;
    await new Promise((r) => setTimeout(r, 500));
  }
};

const load = async (baseUrl: string, name: string, path: string, headers: Record<string, string> = {}, overallRate?: number, warmUp = false): Promise<Row> => {
  await drain(baseUrl);
  const result = await autocannon({ url: baseUrl + path, connections: warmUp ? 20 : CONNECTIONS, duration: warmUp ? 2 : SECONDS, headers, ...(overallRate ? { overallRate } : {}) });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
};

if (!existsSync(join(WEB_DIR, ".next", "BUILD_ID"))) execSync("npm run build", { cwd: WEB_DIR, stdio: "inherit" });

const cluster = await startTestCluster("headroom");
const storage = mkdtempSync(join(tmpdir(), "headroom-bench-"));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
let web: ChildProcess | null = null;
try {
  web = spawn("npm", ["run", "start"], {
    cwd: WEB_DIR,
    detached: true,
    stdio: "ignore",
    env: { ...process.env, DATABASE_URL: cluster.url, STORAGE_DIR: storage, PORT: String(port), BETTER_AUTH_SECRET: randomBytes(32).toString("hex"), BETTER_AUTH_URL: baseUrl },
  });
  for (let i = 0; i < 120 && !(await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 500));

  // One account and a page of its team's jobs for the job-list endpoint.
  const signUp = await fetch(`${baseUrl}/api/auth/sign-up/email`, { method: "POST", headers: { "content-type": "application/json", origin: baseUrl }, body: JSON.stringify({ name: "Bench", email: `bench-${Date.now()}@example.test`, password: "bench password 123" }) });
  if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status}`);
  // A fresh sign-in: its session starts in the account's team (as a returning user's does).
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: baseUrl }, body: JSON.stringify({ email: JSON.parse(await signUp.text()).user.email, password: "bench password 123" }) });
  const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
  const plan = resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { numClip: 10 } });
  for (let i = 0; i < 40; i++) {
    await fetch(`${baseUrl}/api/trpc/jobs.submit`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ json: { plan, runner: "probe", confirmWarnings: true } }) });
  }
  const oom = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });
  const endpoints: [string, string, Record<string, string>][] = [
    ["health (static reference)", "/api/health", {}],
    ["feasibility.check", trpcQuery("feasibility.check", oom), {}],
    ["jobs.list (20 rows)", trpcQuery("jobs.list", { limit: 20 }), { cookie }],
  ];
  for (const [, path, headers] of endpoints) await load(baseUrl, "warm-up", path, headers, undefined, true); // JIT and pools
  const rows: Row[] = [];
  for (const [name, path, headers] of endpoints) rows.push(await load(baseUrl, name, path, headers));
  const reference = rows[0]!;
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, loopback, built server (next start)\n`);
  console.log(`${"endpoint".padEnd(28)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"health/this".padStart(11)}${"errors".padStart(8)}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(28)}${row.rps.toFixed(0).padStart(9)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}${`${(reference.rps / row.rps).toFixed(2)}×`.padStart(11)}${String(row.errors + row.non2xx).padStart(8)}`);
  }
  // Closed loop, every connection sends again at once: latency ≈ connections / throughput (queueing). Open loop at
  // half the measured throughput shows what one request costs when the server is not saturated.
  console.log(`\nopen loop: ${CONNECTIONS} connections offering half the closed-loop rate`);
  console.log(`${"endpoint".padEnd(28)}${"offered".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}`);
  const open: Row[] = [];
  for (const [i, [name, path, headers]] of endpoints.slice(0, 2).entries()) {
    const rate = Math.max(10, Math.round(rows[i]!.rps / 2));
    const row = await load(baseUrl, name, path, headers, rate);
    open.push(row);
    console.log(`${name.padEnd(28)}${`${rate}/s`.padStart(9)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}`);
  }
  const closed = rows[1]!;
  const unsaturated = open[1]!;
  console.log(`\nfeasibility p99: ${closed.p99.toFixed(1)} ms saturated (${CONNECTIONS} connections), ${unsaturated.p99.toFixed(1)} ms at half load — target < 20 ms: ${closed.p99 < 20 ? "met" : unsaturated.p99 < 20 ? "met only below saturation" : "NOT met"}`);
} finally {
  if (web?.pid) process.kill(-web.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 2000));
  await cluster.dispose();
  rmSync(storage, { recursive: true, force: true });
}
