import { formatGbInput, formatGib, resolveGpu } from "@headroom/estimator";
import type { Rule, Severity } from "../rule.ts";
import { COMMON_HOST_RAM_GB, hostRamBytes, hostRamStepGb, usesCpuOffload } from "./host-ram.ts";

const FAMILY = "hardware";

/** FR-17's checklist line for free VRAM per GPU, decimal GB as nvidia-smi prints it. */
export const FR17_MIN_VRAM_BYTES = 26e9;
export const FR19_MIN_HOST_RAM_GB = 128;
export const FR19_MIN_HOST_RAM_OFFLOAD_GB = 256;

const WEAK_TOPOLOGIES: readonly string[] = ["NODE", "SYS"];
const NARROW_LINKS: readonly string[] = ["pcie4-x8"];

const minHostRamGb = (offload: boolean): number => (offload ? FR19_MIN_HOST_RAM_OFFLOAD_GB : FR19_MIN_HOST_RAM_GB);

/**
 * Host RAM the plan does not give: state what the run needs as a requirement, never an out-of-memory verdict
 * on an assumed size. Two rules so each keeps one severity: info up to common sizes, a warning past them.
 */
const hostRamNeededRule = (id: string, severity: Severity, isPastCommon: boolean): Rule => ({
  id,
  severity,
  family: FAMILY,
  implies: "runs",
  cites: ["FR-19"],
  check: ({ plan, estimate }) => {
    if (plan.hardware.hostRamGb !== null || estimate.hostRamBytes > COMMON_HOST_RAM_GB * 1e9 !== isPastCommon) return null;
    const past = isPastCommon ? `, past common hosts of ${formatGbInput(COMMON_HOST_RAM_GB)}` : "";
    return { message: `the run needs ${formatGib(estimate.hostRamBytes)} of host RAM${past}; give host_ram_gb to check it`, path: ["hardware", "hostRamGb"] };
  },
});

export const HARDWARE_RULES: Rule[] = [
  {
    id: "hardware/fr-17-vram",
    severity: "warning",
    family: FAMILY,
    implies: "runs",
    cites: ["FR-17"],
    check: ({ plan }) => {
      const usable = resolveGpu(plan.hardware).usableBytes;
      return usable < FR17_MIN_VRAM_BYTES
        ? { message: `${formatGib(usable)} usable per GPU, under the report's 26 GB checklist line (${formatGib(FR17_MIN_VRAM_BYTES)}); the estimate, not this line, decides whether the plan fits`, path: ["hardware", "gpu"] }
        : null;
    },
  },
  {
    id: "hardware/fr-18-topology",
    severity: "warning",
    family: FAMILY,
    implies: "runs",
    cites: ["FR-18"],
    check: ({ plan }) =>
      plan.hardware.count > 1 && WEAK_TOPOLOGIES.includes(plan.hardware.gpuTopology)
        ? { message: `GPU0–GPU1 link is ${plan.hardware.gpuTopology} (across CPU sockets or NUMA nodes); the field report saw NCCL failures there — prefer PHB or better`, path: ["hardware", "gpuTopology"] }
        : null,
    fixes: () => [{ label: "GPUs under one PCIe host bridge (PHB)", patch: { hardware: { gpuTopology: "PHB" } } }],
  },
  {
    id: "hardware/fr-19-host-ram",
    severity: "warning",
    family: FAMILY,
    implies: "runs",
    cites: ["FR-19"],
    check: ({ plan }) => {
      const offload = usesCpuOffload(plan);
      const min = minHostRamGb(offload);
      return plan.hardware.hostRamGb !== null && plan.hardware.hostRamGb < min
        ? { message: `${plan.hardware.hostRamGb} GB host RAM, under the report's ${min} GB line${offload ? " for CPU offload" : ""} (OOM killer risk)`, path: ["hardware", "hostRamGb"] }
        : null;
    },
    fixes: ({ plan }) => [{ label: `${minHostRamGb(usesCpuOffload(plan))} GB host RAM`, patch: { hardware: { hostRamGb: minHostRamGb(usesCpuOffload(plan)) } } }],
  },
  {
    id: "hardware/host-ram-exceeded",
    severity: "error",
    family: "memory",
    implies: "out-of-memory",
    cites: ["FR-19", "FR-15"],
    check: ({ plan, estimate }) => {
      const installed = hostRamBytes(plan);
      return installed !== null && estimate.hostRamBytes > installed
        ? { message: `the run needs ${formatGib(estimate.hostRamBytes)} of host RAM and the host has ${formatGbInput(plan.hardware.hostRamGb ?? 0)}: the OOM killer ends it`, path: ["hardware", "hostRamGb"] }
        : null;
    },
    fixes: ({ estimate }) => [{ label: `${hostRamStepGb(estimate.hostRamBytes)} GB host RAM`, patch: { hardware: { hostRamGb: hostRamStepGb(estimate.hostRamBytes) } } }],
  },
  hostRamNeededRule("hardware/host-ram-needed", "info", false),
  hostRamNeededRule("hardware/host-ram-needed-past-common", "warning", true),
  {
    id: "hardware/fr-20-pcie-width",
    severity: "warning",
    family: FAMILY,
    implies: "runs",
    cites: ["FR-20"],
    check: ({ plan }) =>
      plan.hardware.count > 1 && NARROW_LINKS.includes(plan.hardware.hostLink)
        ? { message: `${plan.hardware.hostLink}: narrower than x16, so multi-GPU sync and offload copies run at half rate`, path: ["hardware", "hostLink"] }
        : null,
    fixes: () => [{ label: "PCIe 4.0 x16", patch: { hardware: { hostLink: "pcie4-x16" } } }],
  },
];
