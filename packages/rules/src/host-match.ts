// Which online hosts can run a plan with a runner: one answer for the playground's form, the web's submit and the
// worker's GPU pick (beside jobRefusals, the answer to "may this job run at all?").
import { formatGib, resolveGpu, type Plan } from "@headroom/estimator";
import { JOB_PURPOSE, type JobRunnerName as Runner } from "./job-admission.ts";

/** What a host's inventory says that matching reads (@headroom/db's HostInventory has these fields, and more). */
export type HostCapacity = {
  gpus: readonly { index: number; totalBytes: number; reservedBytes: number | null }[];
  /** Where the worker runs probes: "cpu" runs every plan at tiny shapes. Absent (older workers): "cuda" iff it has GPUs. */
  device?: "cuda" | "cpu" | undefined;
  /** The runners installed there. Absent (older workers): not reported, none assumed missing. */
  runners?: readonly Runner[] | undefined;
};

/** The fields of a registered host the match reads (the db's WorkerHostDto has them). */
export type MatchableHost = {
  id: string; name: string; isOnline: boolean; inventory: HostCapacity;
  /** Whether its host token names the submitting team (absent: not judged). Its claim takes no other team's jobs. */
  servesYourTeam?: boolean | undefined;
};

/** A host that takes the job: the GPUs it gives the plan ([] on a CPU host, which runs the plan at tiny shapes). */
export type HostFit = { host: MatchableHost; gpus: number[]; isSmokeRun: boolean };
export type HostMiss = { host: MatchableHost; reason: string };
export type HostMatch = { able: HostFit[]; unable: HostMiss[] };

// Catalog sizes are rounded to 0.01 GiB; the same card's own report may sit a fraction of a MiB under them.
const ROUNDING_SLACK_BYTES = 64 * 1024 * 1024;

const RUNNER_LABEL: Record<Runner, string> = { liveavatar: "LiveAvatar", probe: "the probe", upstream: "the upstream harness" };

/** What one process can hold, as PyTorch's total_memory reports it: the card's total less what the driver reserves. */
export const usableGpuBytes = (gpu: HostCapacity["gpus"][number]): number => gpu.totalBytes - (gpu.reservedBytes ?? 0);

/** Older workers report no device: a host with GPUs runs on them (the worker's own default). */
const deviceOf = (inventory: HostCapacity): "cuda" | "cpu" => inventory.device ?? (inventory.gpus.length > 0 ? "cuda" : "cpu");

/** "5 × RTX 4090 (21.5 GiB usable each)": what the plan asks of a host. */
export const describeNeed = (plan: Plan): string => {
  const gpu = resolveGpu(plan.hardware);
  return `${plan.hardware.count} × ${gpu.name.replace(/^NVIDIA (GeForce )?/, "")} (${formatGib(gpu.usableBytes, 2)} usable each)`;
};

/**
 * The GPUs of this inventory that run the plan: `count` cards each at least as large as the plan's GPU (a larger card
 * runs it; the probe caps itself to the plan's usable VRAM), or why not.
 */
export const gpusForPlan = (inventory: HostCapacity, plan: Plan): { ok: true; gpus: number[] } | { ok: false; reason: string } => {
  const need = plan.hardware.count;
  const usable = resolveGpu(plan.hardware).usableBytes;
  const large = inventory.gpus.filter((gpu) => usableGpuBytes(gpu) + ROUNDING_SLACK_BYTES >= usable);
  const gpus = `${need} GPU${need === 1 ? "" : "s"}`;
  if (inventory.gpus.length < need) return { ok: false, reason: `the plan needs ${gpus}; this host has ${inventory.gpus.length}` };
  if (large.length < need) return { ok: false, reason: `the plan needs ${gpus} of at least ${formatGib(usable, 2)}; this host has ${large.length}` };
  return { ok: true, gpus: large.slice(0, need).map((gpu) => gpu.index) };
};

/** Whether one host takes the job now: online, the runner installed, and GPUs for the plan (a CPU host measures nothing real). */
export const hostFit = (host: MatchableHost, plan: Plan, runner: Runner): HostFit | HostMiss => {
  if (!host.isOnline) return { host, reason: "offline" };
  if (host.servesYourTeam === false) return { host, reason: "its host token does not name your team" };
  const runners = host.inventory.runners;
  if (runners && !runners.includes(runner)) return { host, reason: `${RUNNER_LABEL[runner]} is not installed there` };
  if (deviceOf(host.inventory) === "cpu") {
    // a CPU host runs a measuring runner at tiny shapes (a smoke run); LiveAvatar generates nothing without a GPU
    return JOB_PURPOSE[runner] === "measure" ? { host, gpus: [], isSmokeRun: true } : { host, reason: "it has no GPU" };
  }
  const fit = gpusForPlan(host.inventory, plan);
  return fit.ok ? { host, gpus: fit.gpus, isSmokeRun: false } : { host, reason: fit.reason.replace("this host", "it") };
};

/** Every host sorted into those that take the job (real GPUs before CPU smoke runs) and those that cannot, each with its reason. */
export const matchHosts = (hosts: readonly MatchableHost[], plan: Plan, runner: Runner): HostMatch => {
  const fits = hosts.map((host) => hostFit(host, plan, runner));
  const able = fits.filter((fit): fit is HostFit => "gpus" in fit).sort((a, b) => Number(a.isSmokeRun) - Number(b.isSmokeRun));
  return { able, unable: fits.filter((fit): fit is HostMiss => "reason" in fit) };
};

/** The sentence a person reads when no online host takes the job: what is missing, host by host. */
export const noHostMessage = (match: HostMatch, plan: Plan, runner: Runner): string => {
  const online = match.unable.filter((miss) => miss.reason !== "offline");
  const why = online.length === 0 ? "no host is online" : online.map((miss) => `${miss.host.name}: ${miss.reason}`).join("; ");
  return `No online host can run ${describeNeed(plan)} with ${RUNNER_LABEL[runner]} (${why}).`;
};
