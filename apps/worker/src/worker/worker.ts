import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { fetchQueuedJob, settleJob, startClaimedJob, upsertWorkerHost, verifyHostToken, type Db, type Queue, type QueueClaim } from "@headroom/db";
import type { WorkerConfig } from "../env.ts";
import type { Collectors } from "../preflight/collect-captures.ts";
import { sweepOnce } from "../queue/sweeper.ts";
import { createWebFiles } from "../transfer/web-files.ts";
import { describeHost, inspectHost, type HostProfile } from "./host-profile.ts";
import { hostTokenFor } from "./host-token.ts";
import { installedRunners } from "./installed-runners.ts";
import { runJob } from "./run-job.ts";
import type { WorkerSettings } from "./worker-settings.ts";

export type WorkerDeps = {
  db: Db;
  queue: Queue;
  settings: WorkerSettings;
  config: WorkerConfig;
  log?: (line: string) => void;
  /** Preflight's command runners (tests feed captured text). */
  collectors?: Collectors;
  nvidiaSmi?: string;
};

export type Worker = {
  /** Preflight, registration, a sweep of this host's own stale jobs, then the loop and its timers. */
  start: () => Promise<void>;
  /** Stops claiming; the current job may finish within the shutdown grace, else it is released to the queue. */
  stop: () => Promise<void>;
  hostId: () => string | null;
  profile: () => HostProfile | null;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A few tries 1, 2, 4 s apart: a database restart should not lose a finished run's outcome. */
const retrying = async <T>(fn: () => Promise<T>, tries = 4): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= tries) throw error;
      await delay(1000 * 2 ** (attempt - 1));
    }
  }
};

/** One worker: one job at a time, on every GPU the job's plan asks for. */
export const createWorker = (deps: WorkerDeps): Worker => {
  const { db, queue, settings, config } = deps;
  const log = (line: string) => (deps.log ?? console.log)(`[worker ${settings.name}] ${line}`);
  let profile: HostProfile | null = null;
  let hostId: string | null = null;
  let loop: Promise<void> | null = null;
  let runningJobId: string | null = null;
  const stopping = new AbortController(); // wakes the idle wait
  const release = new AbortController(); // ends the grace: the current job goes back to the queue
  const timers: { heartbeat?: NodeJS.Timeout; preflight?: NodeJS.Timeout; sweep?: NodeJS.Timeout } = {};
  let token: { id: string; secret: string } | null = null;
  const files = createWebFiles({ webUrl: settings.webUrl, hostId: () => hostId, secret: () => token?.secret ?? "" });

  const register = async () => {
    if (!profile) return;
    // the runners installed here travel with the inventory (the web offers only those); what is missing goes to the host page
    const installed = installedRunners(config);
    const inventory = { ...profile.inventory, device: profile.device, runners: installed.runners };
    const host = await upsertWorkerHost(db, { name: settings.name, hostname: hostname(), inventory, preflight: [...profile.findings, ...installed.findings], tokenId: token?.id ?? null });
    hostId = host.id;
  };
  const every = (ms: number, what: string, fn: () => Promise<unknown>) =>
    setInterval(() => void fn().catch((error: unknown) => log(`${what} failed: ${message(error)}`)), ms);

  const runClaim = async (claim: QueueClaim, host: HostProfile, id: string) => {
    runningJobId = claim.jobId; // before the row says running, so this host's own sweep never takes it for an orphan
    const job = await startClaimedJob(db, queue, { ...claim, hostId: id }).catch((error: unknown) => {
      runningJobId = null;
      throw error;
    });
    if (!job) {
      runningJobId = null;
      return log(`job ${claim.jobId} skipped: no longer queued`);
    }
    const owner = { ...claim, hostId: id, attempt: job.attempts };
    log(`job ${job.id} started (${job.runner}, attempt ${job.attempts}, ${claim.queueName})`);
    const outcome = await runJob({ db, host, settings, config, files, log, ...(deps.nvidiaSmi && { nvidiaSmi: deps.nvidiaSmi }) }, owner, job, release.signal);
    // a settle that never lands leaves the row "running" here: the next sweep of this host's orphans requeues it
    const state = await retrying(() => settleJob(db, queue, owner, outcome)).finally(() => (runningJobId = null));
    const why = outcome.kind === "failed" ? ` (${outcome.errorClass}: ${outcome.message})` : outcome.kind === "released" ? ` (${outcome.reason})` : "";
    log(`job ${job.id} ${state ?? "was taken over elsewhere"}${why}`);
  };

  const run = async () => {
    while (!stopping.signal.aborted) {
      try {
        // a revoked token stops this host before it takes another job (the web refuses its transfers already)
        const live = token ? await verifyHostToken(db, token.secret) : null;
        if (!live) {
          log("the host token was revoked: this host takes no more jobs (start it again with a new token from the hosts page)");
          stopping.abort();
          break;
        }
        // only jobs of the teams the token names: the web would refuse another team's files anyway
        const scope = { teams: live.allTeams ? ("all" as const) : live.teamIds, runners: profile?.runners ?? [] };
        const claim = profile && hostId ? await fetchQueuedJob(db, queue, { queues: profile.queues, ...scope }) : null;
        if (claim && profile && hostId) {
          await runClaim(claim, profile, hostId);
          continue;
        }
      } catch (error) {
        log(`loop: ${message(error)}`);
      }
      await delay(settings.pollMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  return {
    start: async () => {
      token = await hostTokenFor(db, settings);
      profile = await inspectHost(settings.probeDevice, installedRunners(config).runners, deps.collectors);
      await register();
      log(`host ${hostId}: ${describeHost(profile)}`);
      // a job this host ran before a restart is not running any more; later sweeps catch any this host lost track of
      const self = () => (hostId ? { self: { hostId, isRunning: (jobId: string) => jobId === runningJobId } } : {});
      await sweepOnce(db, queue, { lostAfterMs: settings.lostAfterMs, ...self(), log });
      timers.heartbeat = every(settings.heartbeatMs, "heartbeat", register);
      timers.preflight = every(settings.preflightMs, "preflight", async () => {
        profile = await inspectHost(settings.probeDevice, installedRunners(config).runners, deps.collectors);
        await register();
      });
      timers.sweep = every(settings.sweepMs, "sweep", () => sweepOnce(db, queue, { lostAfterMs: settings.lostAfterMs, ...self(), log }));
      loop = run();
    },
    stop: async () => {
      if (!loop) return;
      stopping.abort();
      clearInterval(timers.preflight);
      clearInterval(timers.sweep);
      const grace = new AbortController();
      const graceEnds = delay(settings.shutdownGraceMs, false, { signal: grace.signal }).catch(() => false);
      const finished = await Promise.race([loop.then(() => true), graceEnds]);
      grace.abort();
      if (!finished) {
        if (runningJobId) log(`releasing job ${runningJobId}: the shutdown grace is over`);
        release.abort();
        await loop;
      }
      clearInterval(timers.heartbeat); // heartbeats go on while the last job ends, so no sweeper takes it
      loop = null;
    },
    hostId: () => hostId,
    profile: () => profile,
  };
};
