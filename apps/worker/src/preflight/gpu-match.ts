import { GIB, resolveGpu, type Plan } from "@headroom/estimator";
import type { Inventory } from "./inventory.ts";

// Catalog sizes are rounded to 0.01 GiB; the same card's own report may sit a fraction of a MiB under them.
const ROUNDING_SLACK_BYTES = 64 * 1024 * 1024;

/** What one process can hold, as PyTorch's total_memory reports it: the card's total less what the driver reserves. */
export const usableBytes = (gpu: Inventory["gpus"][number]): number => gpu.totalBytes - (gpu.reservedBytes ?? 0);

export type HostFit = { ok: true; gpus: number[] } | { ok: false; reason: string };

/**
 * Whether this host can take a job for the plan: enough GPUs, each at least as large as the plan's GPU
 * (a larger card runs the plan; the probe caps itself to the plan's usable VRAM). Returns the GPUs to use.
 */
export const hostCanRun = (inventory: Inventory, plan: Plan): HostFit => {
  const need = plan.hardware.count;
  const usable = resolveGpu(plan.hardware).usableBytes;
  const large = inventory.gpus.filter((gpu) => usableBytes(gpu) + ROUNDING_SLACK_BYTES >= usable);
  if (inventory.gpus.length < need) return { ok: false, reason: `the plan needs ${need} GPUs; this host has ${inventory.gpus.length}` };
  if (large.length < need) {
    return { ok: false, reason: `the plan needs ${need} GPUs of at least ${(usable / GIB).toFixed(2)} GiB; this host has ${large.length}` };
  }
  return { ok: true, gpus: large.slice(0, need).map((gpu) => gpu.index) };
};
