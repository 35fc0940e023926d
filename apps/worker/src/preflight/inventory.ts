import { parseMeminfo, type HostMemory } from "./meminfo.ts";
import { parseMemoryReport } from "./nvidia-smi-memory.ts";
import { parseGpuQuery } from "./nvidia-smi-query.ts";
import { parseTopology, type GpuLink } from "./nvidia-smi-topo.ts";

const MIB = 1024 * 1024;

export type GpuInventory = {
  index: number;
  name: string;
  busId: string | null;
  totalBytes: number;
  freeBytes: number;
  usedBytes: number;
  /** Driver-reserved memory (`nvidia-smi -q -d MEMORY`), null where the driver does not print it. */
  reservedBytes: number | null;
  driverVersion: string;
  pcieWidth: number | null;
  pcieGen: number | null;
};

/** What a host has, as preflight sees it: the GPUs, every GPU pair's link, host RAM. */
export type Inventory = {
  gpus: GpuInventory[];
  links: GpuLink[];
  hostRam: HostMemory | null;
  cudaVersion: string | null;
  /** Lines the parsers could not read (an nvidia-smi error message, say): shown, never dropped silently. */
  warnings: string[];
};

/** The raw text of each preflight command; "" where the command is missing or failed. */
export type PreflightCaptures = { query: string; topo: string; memory: string; meminfo: string };

/** Joins the four outputs; `nvidia-smi -q` lists GPUs in index order, so its sections pair with the query's rows by position. */
export const buildInventory = (captures: PreflightCaptures): Inventory => {
  const query = parseGpuQuery(captures.query);
  const report = parseMemoryReport(captures.memory);
  const topology = parseTopology(captures.topo);
  const hostRam = parseMeminfo(captures.meminfo);
  const sorted = [...query.gpus].sort((a, b) => a.index - b.index);
  const gpus = sorted.map((row, position): GpuInventory => {
    const section = report.gpus[position];
    return {
      index: row.index,
      name: row.name,
      busId: section?.busId ?? null,
      totalBytes: row.memoryTotalMiB * MIB,
      freeBytes: row.memoryFreeMiB * MIB,
      usedBytes: row.memoryUsedMiB * MIB,
      reservedBytes: section?.reservedMiB === null || section === undefined ? null : section.reservedMiB * MIB,
      driverVersion: row.driverVersion,
      pcieWidth: row.pcieLinkWidth,
      pcieGen: row.pcieLinkGen,
    };
  });
  const warnings = query.unparsed.map((line) => `nvidia-smi --query-gpu: ${line}`);
  if (hostRam === null && captures.meminfo !== "") warnings.push("/proc/meminfo: no MemTotal/MemAvailable");
  if (gpus.length > 1 && topology.links.length === 0) warnings.push("nvidia-smi topo -m: no GPU link matrix");
  return { gpus, links: topology.links, hostRam, cudaVersion: report.cudaVersion, warnings };
};
