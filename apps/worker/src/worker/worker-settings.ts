import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseWorkerConfig, type WorkerConfig } from "../env.ts";

/** `<repo>/.data/worker-scratch`: this host's own folder; a job's inputs and outputs go to `<scratch>/<jobId>/`. */
export const DEFAULT_SCRATCH_DIR = fileURLToPath(new URL("../../../../.data/worker-scratch", import.meta.url));

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

// DATABASE_URL is read by @headroom/db (openDatabase): set, it names the PostgreSQL; unset, the embedded one starts.
const LoopEnv = z.object({
  /** The host's name in the database (unique per running worker): a restarted worker takes its jobs back as lost. */
  WORKER_NAME: z.string().min(1).default(hostname()),
  /** Where this host keeps a job's downloaded inputs and its outputs until they are uploaded (never the web's storage). */
  HEADROOM_SCRATCH_DIR: z.string().min(1).optional(),
  /** The web app: inputs come from it and results go back to it over HTTP. Default: the one-machine setup's own. */
  HEADROOM_WEB_URL: z.url().optional(),
  /** A host token from the hosts page. Unset: a worker beside the web on this machine mints its own local one. */
  HEADROOM_HOST_TOKEN: z.string().min(1).optional(),
  LIVEAVATAR_DIR: z.string().min(1).optional(),
  /** cuda: GPU queues from the inventory; cpu: the CPU pseudo-inventory (every queue, tiny probe runs). Unset: cuda when nvidia-smi shows GPUs. */
  PROBE_DEVICE: z.enum(["cuda", "cpu"]).optional(),
  /** Probe shapes; unset: tiny on the CPU, full on GPUs. */
  PROBE_SCALE: z.enum(["full", "tiny"]).optional(),
  HEADROOM_POLL_MS: z.coerce.number().int().positive().default(1000),
  HEADROOM_CANCEL_POLL_MS: z.coerce.number().int().positive().default(1000),
  HEADROOM_HEARTBEAT_S: seconds(15),
  /** A host silent this long has lost its running jobs (the web shows a host offline after 90 s). */
  HEADROOM_LOST_AFTER_S: seconds(120),
  HEADROOM_SWEEP_S: seconds(30),
  HEADROOM_PREFLIGHT_MIN: seconds(10),
  /** On SIGTERM, how long the current job may go on before it is released back to the queue. */
  HEADROOM_SHUTDOWN_GRACE_S: z.coerce.number().min(0).default(20),
});

export type WorkerSettings = {
  name: string;
  scratchDir: string;
  webUrl: string;
  hostToken: string | null;
  probeDevice: "cuda" | "cpu" | null;
  probeScale: "full" | "tiny" | null;
  pollMs: number;
  cancelPollMs: number;
  heartbeatMs: number;
  lostAfterMs: number;
  sweepMs: number;
  preflightMs: number;
  shutdownGraceMs: number;
};

/** The loop's settings and the tasks' config, from one environment (the entry point passes process.env). */
export const parseWorkerSettings = (env: Record<string, string | undefined>): { settings: WorkerSettings; config: WorkerConfig } => {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const e = LoopEnv.parse(blankless);
  const scratchDir = e.HEADROOM_SCRATCH_DIR ?? DEFAULT_SCRATCH_DIR;
  const config = parseWorkerConfig({
    ...blankless,
    HEADROOM_SCRATCH_DIR: scratchDir,
    HEADROOM_LIVEAVATAR_DIR: e.LIVEAVATAR_DIR ?? blankless.HEADROOM_LIVEAVATAR_DIR,
  });
  return {
    config,
    settings: {
      name: e.WORKER_NAME,
      scratchDir,
      // the web's own default port (scripts/start.ts, PORT) on the loopback
      webUrl: e.HEADROOM_WEB_URL ?? `http://127.0.0.1:${blankless.PORT ?? "3000"}`,
      hostToken: e.HEADROOM_HOST_TOKEN ?? null,
      probeDevice: e.PROBE_DEVICE ?? null,
      probeScale: e.PROBE_SCALE ?? null,
      pollMs: e.HEADROOM_POLL_MS,
      cancelPollMs: e.HEADROOM_CANCEL_POLL_MS,
      heartbeatMs: e.HEADROOM_HEARTBEAT_S * 1000,
      lostAfterMs: e.HEADROOM_LOST_AFTER_S * 1000,
      sweepMs: e.HEADROOM_SWEEP_S * 1000,
      preflightMs: e.HEADROOM_PREFLIGHT_MIN * 60_000,
      shutdownGraceMs: e.HEADROOM_SHUTDOWN_GRACE_S * 1000,
    },
  };
};
