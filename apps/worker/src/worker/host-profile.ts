import { CPU_INVENTORY, queuesServedBy, type JobRunner } from "@headroom/db";
import type { Finding } from "@headroom/rules";
import { runPreflight, type Collectors } from "../preflight/collect-captures.ts";
import type { Inventory } from "../preflight/inventory.ts";

/** What this host is and takes: its preflight, where probes run, and the queues it serves. */
export type HostProfile = {
  inventory: Inventory;
  findings: Finding[];
  device: "cuda" | "cpu";
  queues: string[];
  /** The runners installed here: a claim takes only jobs of these. */
  runners: JobRunner[];
};

/**
 * Runs preflight (nvidia-smi, topology, /proc/meminfo). A host with GPUs serves the queues its GPUs satisfy, for the
 * runners installed on it; one without GPUs, or told PROBE_DEVICE=cpu, uses the CPU pseudo-inventory: every shape of
 * its runners but LiveAvatar, tiny probes on the CPU.
 * A host without GPUs told PROBE_DEVICE=cuda serves nothing.
 */
export const inspectHost = async (probeDevice: "cuda" | "cpu" | null, runners: readonly JobRunner[], collectors: Collectors = {}): Promise<HostProfile> => {
  const { inventory, findings } = await runPreflight(collectors);
  const device = probeDevice ?? (inventory.gpus.length > 0 ? "cuda" : "cpu");
  const queues = device === "cpu" ? queuesServedBy(CPU_INVENTORY, runners) : queuesServedBy(inventory, runners);
  return { inventory, findings, device, queues, runners: [...runners] };
};

export const describeHost = (profile: HostProfile): string => {
  const gpus = profile.inventory.gpus.map((gpu) => `${gpu.index}: ${gpu.name} (${(gpu.totalBytes / 2 ** 30).toFixed(1)} GiB)`);
  const serves = profile.device === "cpu" ? "every queue, tiny probe runs on the CPU" : profile.queues.length > 0 ? profile.queues.join(", ") : "no queue (no GPU; set PROBE_DEVICE=cpu for CPU probes)";
  return `${gpus.length > 0 ? gpus.join("; ") : "no GPUs"}; serves ${serves}`;
};
