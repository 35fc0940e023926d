import type { Finding, FindingDraft, Severity } from "@headroom/rules";
import type { Inventory } from "./inventory.ts";
import { linkRank } from "./nvidia-smi-topo.ts";

/**
 * The field report's hardware self-check (FR-17..FR-20) on a host's real inventory. The rules package's
 * hardware rules judge a Plan's declared hardware (catalog VRAM, one topology value); these judge what
 * preflight measured, per GPU and per GPU pair, with the same thresholds.
 */
export const FR17_MIN_FREE_VRAM_BYTES = 26e9;
export const FR19_MIN_HOST_RAM_BYTES = 128e9;
export const FR19_MIN_HOST_RAM_OFFLOAD_BYTES = 256e9;
export const FR20_PCIE_WIDTH = 16;
/** FR-18: PHB or better (NV#, PIX, PXB, PHB); NODE and SYS cross host bridges or sockets. */
const FR18_WORST_RANK = linkRank("PHB");

export type PreflightOptions = {
  /** Whether the plans this host will run park weights or caches in host RAM; undefined: judge for both. */
  cpuOffload?: boolean;
};

type InventoryRule = {
  id: string;
  severity: Severity;
  cites: string[];
  check: (inventory: Inventory, options: PreflightOptions) => (FindingDraft & { severity?: Severity })[];
};

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

const INVENTORY_RULES: readonly InventoryRule[] = [
  {
    id: "preflight/no-gpu",
    severity: "error",
    cites: ["FR-25"],
    check: (inv) => (inv.gpus.length === 0 ? [{ message: "no NVIDIA GPU found (nvidia-smi missing or no driver): only CPU probe runs can be placed here", path: ["gpus"] }] : []),
  },
  {
    id: "preflight/fr-17-free-vram",
    severity: "warning",
    cites: ["FR-17"],
    check: (inv) =>
      inv.gpus
        .filter((gpu) => gpu.freeBytes < FR17_MIN_FREE_VRAM_BYTES)
        .map((gpu) => ({
          message: `GPU ${gpu.index} (${gpu.name}) has ${gb(gpu.freeBytes)} free, under the field report's 26 GB line: a full-size load runs out of memory`,
          path: ["gpus", String(gpu.index), "freeBytes"],
        })),
  },
  {
    id: "preflight/fr-18-topology",
    severity: "warning",
    cites: ["FR-18"],
    check: (inv) =>
      inv.links
        .filter((link) => linkRank(link.kind) > FR18_WORST_RANK)
        .map((link) => ({
          message: `GPU${link.a}–GPU${link.b} link is ${link.label} (across host bridges or CPU sockets); the field report saw NCCL failures there — PHB or better wanted`,
          path: ["links", `${link.a}-${link.b}`],
        })),
  },
  {
    id: "preflight/fr-19-host-ram",
    severity: "warning",
    cites: ["FR-19"],
    check: (inv, { cpuOffload }) => {
      const total = inv.hostRam?.totalBytes;
      if (total === undefined) return [{ message: "host RAM unknown (/proc/meminfo unreadable)", path: ["hostRam"], severity: "info" }];
      const min = cpuOffload ? FR19_MIN_HOST_RAM_OFFLOAD_BYTES : FR19_MIN_HOST_RAM_BYTES;
      if (total < min) return [{ message: `${gb(total)} host RAM, under the field report's ${gb(min)} line${cpuOffload ? " for CPU offload" : ""} (OOM killer risk)`, path: ["hostRam", "totalBytes"] }];
      if (cpuOffload === undefined && total < FR19_MIN_HOST_RAM_OFFLOAD_BYTES) {
        return [{ message: `${gb(total)} host RAM: enough without offload, under the ${gb(FR19_MIN_HOST_RAM_OFFLOAD_BYTES)} the field report wants with CPU offload (offload_model, offload_kv_cache, t5_cpu)`, path: ["hostRam", "totalBytes"], severity: "info" }];
      }
      return [];
    },
  },
  {
    id: "preflight/fr-20-pcie-width",
    severity: "warning",
    cites: ["FR-20"],
    check: (inv) =>
      inv.gpus.flatMap((gpu) => {
        const path = ["gpus", String(gpu.index), "pcieWidth"];
        if (gpu.pcieWidth === null) return [{ message: `GPU ${gpu.index}: PCIe link width unknown`, path, severity: "info" as const }];
        return gpu.pcieWidth < FR20_PCIE_WIDTH ? [{ message: `GPU ${gpu.index} runs at PCIe x${gpu.pcieWidth}, narrower than x16: multi-GPU sync and offload copies slow down`, path }] : [];
      }),
  },
];

/** One loop over the inventory rules, in the rules package's Finding shape (fixes are empty: hardware cannot be patched). */
export const preflightFindings = (inventory: Inventory, options: PreflightOptions = {}): Finding[] =>
  INVENTORY_RULES.flatMap((rule) =>
    rule.check(inventory, options).map(({ severity, message, path, cites }) => ({
      ruleId: rule.id,
      severity: severity ?? rule.severity,
      message,
      path,
      cites: [...rule.cites, ...(cites ?? [])],
      fixes: [],
    })),
  );
