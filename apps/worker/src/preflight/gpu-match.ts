import { GIB, resolveGpu, type GpuId, type Plan } from "@headroom/estimator";
import type { Inventory } from "./inventory.ts";

/** nvidia-smi's product names → the estimator's catalog ids; the first pattern that matches wins. */
const NAME_PATTERNS: readonly [RegExp, GpuId][] = [
  [/RTX 3090/i, "rtx-3090"],
  [/RTX 4090/i, "rtx-4090"],
  [/RTX 5090/i, "rtx-5090"],
  [/RTX A6000/i, "rtx-a6000"],
  [/L40S/i, "l40s"],
  [/A100.*40\s?GB/i, "a100-40gb"],
  [/A100/i, "a100-80gb"],
  [/H100.*PCIe/i, "h100-pcie"],
  [/H100/i, "h100-sxm"],
  [/H200/i, "h200"],
  [/B200/i, "b200"],
];

export const catalogGpuId = (name: string): GpuId | null => NAME_PATTERNS.find(([pattern]) => pattern.test(name))?.[1] ?? null;

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
