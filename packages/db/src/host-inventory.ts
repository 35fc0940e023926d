// What a worker's preflight found on its host (FR-17..20), stored as WorkerHost.inventory and parsed back with
// this schema. It mirrors apps/worker's `Inventory` (src/preflight/inventory.ts) field for field; pure zod, so
// the web can import it without Prisma through "@headroom/db/host-inventory".
import { z } from "zod";

/** `nvidia-smi topo -m` link kinds, best first. */
export const GPU_LINK_KINDS = ["NV", "PIX", "PXB", "PHB", "NODE", "SYS"] as const;

export const GpuInventory = z.object({
  index: z.number().int().min(0),
  /** e.g. "NVIDIA GeForce RTX 4090". */
  name: z.string(),
  busId: z.string().nullable(),
  totalBytes: z.number().min(0),
  freeBytes: z.number().min(0),
  usedBytes: z.number().min(0),
  /** Driver-reserved memory, null where the driver does not print it. */
  reservedBytes: z.number().min(0).nullable(),
  driverVersion: z.string(),
  /** PCIe link width in use (x16 → 16) and generation (FR-20). */
  pcieWidth: z.number().int().positive().nullable(),
  pcieGen: z.number().int().positive().nullable(),
});
export type GpuInventory = z.infer<typeof GpuInventory>;

/** One GPU pair's link (FR-18). */
export const GpuLink = z.object({
  a: z.number().int().min(0),
  b: z.number().int().min(0),
  kind: z.enum(GPU_LINK_KINDS),
  /** The cell as printed, e.g. "NV18" or "PHB". */
  label: z.string(),
  /** Bonded NVLinks for NV#, else null. */
  nvlinks: z.number().int().positive().nullable(),
});
export type GpuLink = z.infer<typeof GpuLink>;

export const HostInventory = z.object({
  gpus: z.array(GpuInventory),
  links: z.array(GpuLink),
  /** /proc/meminfo (FR-19). */
  hostRam: z.object({ totalBytes: z.number().min(0), availableBytes: z.number().min(0) }).nullable(),
  cudaVersion: z.string().nullable(),
  /** Lines preflight could not read: shown, never dropped silently. */
  warnings: z.array(z.string()),
  /** Where the worker runs probes: "cpu" runs every plan at tiny shapes. Absent (older workers): "cuda" iff it has GPUs. */
  device: z.enum(["cuda", "cpu"]).optional(),
  /** The runners installed on the host (job-vocabulary's JOB_RUNNERS). Absent (older workers): not reported, none assumed missing. */
  runners: z.array(z.enum(["liveavatar", "probe", "upstream"])).optional(),
});
export type HostInventory = z.infer<typeof HostInventory>;
