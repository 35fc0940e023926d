import { existsSync } from "node:fs";
import { join } from "node:path";
import { JOB_RUNNERS, type JobRunner } from "@headroom/db";
import type { Finding } from "@headroom/rules";
import type { WorkerConfig } from "../env.ts";
import { findLiveAvatar } from "../tasks/liveavatar-runner.ts";
import { TaskFailure } from "../tasks/task.ts";

/** Why a runner cannot start on this host, in the operator's words (paths, env vars), or null where it is installed. */
const MISSING: Record<JobRunner, (config: WorkerConfig) => string | null> = {
  liveavatar: (config) => {
    try {
      findLiveAvatar(config);
      return null;
    } catch (error) {
      if (error instanceof TaskFailure) return error.failure.message;
      throw error;
    }
  },
  probe: (config) => (existsSync(config.probeScript) ? null : `the probe is not installed on this host: ${config.probeScript} does not exist`),
  upstream: (config) =>
    existsSync(join(config.upstreamDir, "minimal_inference", "s2v_streaming_interact.py"))
      ? null
      : `LiveAvatar's source is not prepared on this host: ${config.upstreamDir} (run scripts/prepare-upstream.sh)`,
};

export type InstalledRunners = { runners: JobRunner[]; findings: Finding[] };

/**
 * The runners this host can start, reported with its inventory so the web offers only those; each missing one is an
 * info finding on the host (the operator's text, shown on the hosts page and never on a user's job).
 */
export const installedRunners = (config: WorkerConfig): InstalledRunners => {
  const checked = JOB_RUNNERS.map((runner) => ({ runner, missing: MISSING[runner](config) }));
  return {
    runners: checked.filter((c) => c.missing === null).map((c) => c.runner),
    findings: checked.flatMap(({ runner, missing }) =>
      missing === null ? [] : [{ ruleId: `host/${runner}-not-installed`, severity: "info" as const, message: missing, path: [], cites: [], fixes: [] }],
    ),
  };
};

/** What a user reads when a runner is not set up on the host that took their job: no paths, no settings. */
const USER_MESSAGE: Record<JobRunner, string> = {
  liveavatar: "This host has no LiveAvatar installed; ask your admin (the hosts page says what is missing).",
  probe: "This host has no probe installed; ask your admin (the hosts page says what is missing).",
  upstream: "This host has no prepared LiveAvatar source for the upstream harness; ask your admin (the hosts page says what is missing).",
};

/** A not-installed failure's message for the job (user-facing); the operator's text stays in the worker log. */
export const userFacingNotInstalled = (runner: JobRunner): string => USER_MESSAGE[runner];
