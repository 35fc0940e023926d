// Load test on loopback: the built server under 200 connections for ~10 s per row, next to references measured in
// the same run: bare node:http answering a body of the same size, in one process and in two (what this box and the
// load generator allow at all), and a static route through Next. Closed loop (autocannon, and a raw-socket client
// that leaves the server more CPU), then open loop: Poisson arrivals raised until p99 reaches 20 ms.
// `npm run bench -w @headroom/web` (builds first when .next is missing). Target: feasibility p99 < 20 ms at 200
// connections.
import { spawn, execSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startTestCluster } from "@headroom/db/testing";
import { planToQuery, resolvePlan } from "@headroom/estimator";
import autocannon from "autocannon";
import { FEASIBILITY_PATH } from "../src/server/feasibility-http.ts";
import { closedLoop, openLoop } from "./raw-client-load.ts";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const P99_TARGET_MS = 20;
const OPEN_LOOP_RATES = [500, 1000, 2000, 4000, 8000];


const trpcQuery = (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

type Row = { name: string; client: "autocannon" | "raw"; rps: number; p50: number; p99: number; errors: number; timeouts: number; non2xx: number };

/** Waits until the server has worked off what the previous run left queued (a quick health answer). */
const drain = async (baseUrl: string) => {
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    await fetch(`${baseUrl}/api/health`).catch(() => null);
    if (performance.now() - started < 50) return;
    await new Promise((r) => setTimeout(r, 500));
  }
};

/** One path, or a list cycled through request by request. */
type Target = string | string[];

const load = async (baseUrl: string, name: string, target: Target, headers: Record<string, string> = {}, warmUp = false): Promise<Row> => {
  await drain(baseUrl);
  const paths = typeof target === "string" ? [target] : target;
  let next = 0;
  const requests = [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: paths[next++ % paths.length]! }) }];
  const result = await autocannon({ url: baseUrl + paths[0], requests, connections: warmUp ? 20 : CONNECTIONS, duration: warmUp ? 2 : SECONDS, headers });
  return { name, client: "autocannon", rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx };
};

if (!existsSync(join(WEB_DIR, ".next", "BUILD_ID"))) execSync("npm run build", { cwd: WEB_DIR, stdio: "inherit" });

const cluster = await startTestCluster("headroom");
/** The floor: bare node:http answering a body the size of a feasibility answer (~4.4 KB), in one process or in a
 * cluster of two (what both cores give node:http at all, with the load generator beside it). */
const startFloor = async (processes: number, dir: string) => {
  const port = await freePort();
  const script = join(dir, `floor-${processes}.cjs`); // a file: cluster workers re-run their primary's script
  writeFileSync(script, `const c = require("node:cluster");
if (c.isPrimary) for (let i = 0; i < ${processes}; i++) c.fork();
else { const b = Buffer.alloc(4400, 97); require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "application/json", "content-length": b.length }); s.end(b); }).listen(${port}); }`);
  const child = spawn(process.execPath, [script], { stdio: "ignore", detached: true });
  for (let i = 0; i < 50 && !(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.pid && process.kill(-child.pid, "SIGTERM") };
};
const storage = mkdtempSync(join(tmpdir(), "headroom-bench-"));
const floor = await startFloor(1, storage);
const floor2 = await startFloor(2, storage);
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
  // 5000 distinct plans, as many people checking different plans would send them.
  const distinct = Array.from({ length: 5000 }, (_, i) => `${FEASIBILITY_PATH}?${planToQuery({ ...oom, params: { ...oom.params, numClip: i + 1 } })}`);
  const endpoints: [string, Target, Record<string, string>][] = [
    ["node:http floor (same body)", "/floor", {}],
    ["node:http floor, 2 processes", "/floor", {}],
    ["Next static (health)", "/api/health", {}],
    ["feasibility, one plan", `${FEASIBILITY_PATH}?${planToQuery(oom)}`, {}],
    ["feasibility, 5000 plans", distinct, {}],
    ["tRPC feasibility.check", trpcQuery("feasibility.check", oom), {}],
    ["tRPC jobs.list (20 rows)", trpcQuery("jobs.list", { limit: 20 }), { cookie }],
  ];
  /** The floors and the feasibility API: the rows whose answers carry content-length, which the raw client reads. */
  const RAW_CLIENT_ROWS = [0, 1, 3, 4];
  const urlOf = (index: number) => (index === 0 ? floor.url : index === 1 ? floor2.url : baseUrl);
  for (const [i, [, path, headers]] of endpoints.entries()) await load(urlOf(i), "warm-up", path, headers, true); // JIT and pools
  // The framework-bound endpoints go last: what they leave queued in Next would land on the open-loop runs.
  const rows: Row[] = [];
  for (const [i, [name, path, headers]] of endpoints.slice(0, 5).entries()) rows.push(await load(urlOf(i), name, path, headers));
  const floorRow = rows[0]!;
  // The same three again from a raw-socket client: autocannon spends about as much CPU per request as the server.
  for (const i of RAW_CLIENT_ROWS) {
    const [name, target] = endpoints[i]!;
    await drain(baseUrl);
    const row = await closedLoop(urlOf(i), typeof target === "string" ? [target] : target, SECONDS, CONNECTIONS);
    rows.push({ name, client: "raw", rps: row.completed / SECONDS, p50: row.p50, p99: row.p99, errors: row.errors, timeouts: 0, non2xx: 0 });
  }
  // Closed loop measures queueing (latency ≈ connections / throughput), bounded by the floor. Open loop: the same
  // 200 connections as 200 people, requests arriving at a fixed rate (Poisson), the rate raised until p99 ≥ 20 ms.
  const open: { name: string; rate: number; p50: number; p99: number; lost: number }[] = [];
  const capacity = new Map<string, number>();
  for (const i of RAW_CLIENT_ROWS) {
    const [name, target] = endpoints[i]!;
    for (const rate of OPEN_LOOP_RATES) {
      await drain(baseUrl);
      const row = await openLoop(urlOf(i), typeof target === "string" ? [target] : target, rate, SECONDS, CONNECTIONS);
      open.push({ name, rate, p50: row.p50, p99: row.p99, lost: row.offered - row.completed });
      if (!(row.p99 < P99_TARGET_MS) || row.completed < row.offered) break;
      capacity.set(name, rate);
    }
  }
  for (const [name, path, headers] of endpoints.slice(5)) rows.push(await load(baseUrl, name, path, headers));

  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, loopback, built server (npm run start), closed loop: every connection sends again at once\n`);
  console.log(`${"endpoint".padEnd(30)}${"client".padStart(11)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"floor/this".padStart(11)}${"failed: err/timeout/non-2xx".padStart(29)}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(30)}${row.client.padStart(11)}${row.rps.toFixed(0).padStart(9)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}${`${(floorRow.rps / row.rps).toFixed(2)}×`.padStart(11)}${`${row.errors}/${row.timeouts}/${row.non2xx}`.padStart(29)}`);
  }
  console.log(`\nopen loop: ${CONNECTIONS} connections (one per user), Poisson arrivals at a fixed rate, ${SECONDS} s each, raised until p99 ≥ ${P99_TARGET_MS} ms`);
  console.log(`${"endpoint".padEnd(30)}${"offered".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}`);
  for (const row of open) console.log(`${row.name.padEnd(30)}${`${row.rate}/s`.padStart(9)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}${String(row.lost).padStart(8)}`);
  console.log(`\nhighest offered rate with p99 < ${P99_TARGET_MS} ms at ${CONNECTIONS} connections:`);
  for (const i of RAW_CLIENT_ROWS) {
    const name = endpoints[i]![0];
    console.log(`  ${name.padEnd(30)}${capacity.has(name) ? `${capacity.get(name)} req/s` : `missed at ${OPEN_LOOP_RATES[0]} req/s`}`);
  }
  const raw = rows.filter((row) => row.client === "raw");
  console.log(`closed loop (saturated, raw client): p99 ${raw.map((row) => `${row.name} ${row.p99.toFixed(1)} ms`).join(", ")} — latency there is connections / throughput`);
} finally {
  floor.stop();
  floor2.stop();
  if (web?.pid) process.kill(-web.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 2000));
  await cluster.dispose();
  rmSync(storage, { recursive: true, force: true });
}
