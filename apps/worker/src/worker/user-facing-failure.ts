import type { JobOutcome, JobRunner } from "@headroom/db";
import { userFacingNotInstalled } from "./installed-runners.ts";

// An absolute path of two or more segments (the worker's storage, checkout or weights folders).
const ABSOLUTE_PATH = /(?<![\w.])\/(?:[\w.@+~-]+\/)+[\w.@+~-]*/g;

/** The last segment stays (which file), the folders that say where this host keeps things go: "/srv/x/in/a.wav" → "…/a.wav". */
export const redactPaths = (message: string): string => message.replace(ABSOLUTE_PATH, (path) => `…/${path.split("/").filter(Boolean).at(-1) ?? ""}`);

/**
 * What a failed job tells the person who ran it: a runner missing on this host becomes "ask your admin" (the operator's
 * text goes to the worker log and the host page), any other message keeps its words without this host's paths.
 */
export const userFacingFailure = (outcome: Extract<JobOutcome, { kind: "failed" }>, runner: JobRunner): string =>
  outcome.errorClass === "not-installed" ? userFacingNotInstalled(runner) : redactPaths(outcome.message);
