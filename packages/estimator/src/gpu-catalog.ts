import { datasheet, measured, assumption, type Source } from "./sources.ts";
import { GIB } from "./units.ts";

export const GPU_IDS = [
  "rtx-3090",
  "rtx-4090",
  "rtx-5090",
  "rtx-a6000",
  "l40s",
  "a100-40gb",
  "a100-80gb",
  "h100-sxm",
  "h100-pcie",
  "h200",
  "b200",
] as const;
export type GpuId = (typeof GPU_IDS)[number];

export const HOST_LINKS = ["pcie3-x16", "pcie4-x8", "pcie4-x16", "pcie5-x16"] as const;
export type HostLink = (typeof HOST_LINKS)[number];

/** Effective host↔device copy rate of pinned memory, about 80 % of the link's raw rate. */
export const HOST_LINK_BYTES_PER_S: Record<HostLink, number> = {
  "pcie3-x16": 12.5e9,
  "pcie4-x8": 12.5e9,
  "pcie4-x16": 25e9,
  "pcie5-x16": 50e9,
};
export const HOST_LINK_SOURCE = assumption("PCIe spec raw rate × 0.8 (pinned cudaMemcpy typically reaches 80 %)");

export type GpuSpec = {
  id: GpuId;
  name: string;
  /** Marketed capacity, decimal GB. */
  nominalGb: number;
  /** What PyTorch reports as total_memory: the most one process can ever hold. */
  usableBytes: number;
  /** Dense (no sparsity) bf16 tensor-core rate with fp32 accumulate, as PyTorch uses it. */
  bf16Tflops: number;
  /** Dense fp8 tensor-core rate; null where the chip has no fp8 tensor cores. */
  fp8Tflops: number | null;
  memoryBandwidthGbPerS: number;
  hostLink: HostLink;
  /** GPU-to-GPU path: NVLink on SXM parts, otherwise through PCIe (no P2P on GeForce cards). */
  peerLink: "nvlink" | "pcie" | "pcie-no-p2p";
  peerBytesPerS: number;
  /** Rough street price in USD, only to rank "cheapest hardware that fits". */
  priceUsd: number;
  sources: { usable: Source; rates: Source; price: Source };
};

const OOM_MESSAGE = (gib: number) =>
  measured("PyTorch OOM messages in public issue threads", `"total capacity of ${gib} GiB"`);
const PRICE = assumption("2026 street price, rounded; used only to order suggestions");

const gpu = (spec: Omit<GpuSpec, "usableBytes" | "sources"> & { usableGib: number; usableSource: Source; ratesRef: string }): GpuSpec => {
  const { usableGib, usableSource, ratesRef, ...rest } = spec;
  return {
    ...rest,
    usableBytes: usableGib * GIB,
    sources: { usable: usableSource, rates: datasheet(ratesRef), price: PRICE },
  };
};

export const GPU_CATALOG: Record<GpuId, GpuSpec> = {
  "rtx-3090": gpu({ id: "rtx-3090", name: "NVIDIA GeForce RTX 3090", nominalGb: 24, usableGib: 23.69, usableSource: OOM_MESSAGE(23.69), bf16Tflops: 71, fp8Tflops: null, memoryBandwidthGbPerS: 936, hostLink: "pcie4-x16", peerLink: "pcie", peerBytesPerS: 12e9, priceUsd: 900, ratesRef: "NVIDIA Ampere GA102 whitepaper (FP16/BF16 tensor, FP32 accumulate)" }),
  "rtx-4090": gpu({ id: "rtx-4090", name: "NVIDIA GeForce RTX 4090", nominalGb: 24, usableGib: 23.65, usableSource: OOM_MESSAGE(23.65), bf16Tflops: 165.2, fp8Tflops: 330.3, memoryBandwidthGbPerS: 1008, hostLink: "pcie4-x16", peerLink: "pcie-no-p2p", peerBytesPerS: 10e9, priceUsd: 1800, ratesRef: "NVIDIA Ada Lovelace whitepaper (FP32 accumulate)" }),
  "rtx-5090": gpu({ id: "rtx-5090", name: "NVIDIA GeForce RTX 5090", nominalGb: 32, usableGib: 31.36, usableSource: OOM_MESSAGE(31.36), bf16Tflops: 209.5, fp8Tflops: 419, memoryBandwidthGbPerS: 1792, hostLink: "pcie5-x16", peerLink: "pcie-no-p2p", peerBytesPerS: 20e9, priceUsd: 2500, ratesRef: "NVIDIA Blackwell GeForce whitepaper (FP32 accumulate)" }),
  "rtx-a6000": gpu({ id: "rtx-a6000", name: "NVIDIA RTX A6000", nominalGb: 48, usableGib: 47.54, usableSource: OOM_MESSAGE(47.54), bf16Tflops: 154.8, fp8Tflops: null, memoryBandwidthGbPerS: 768, hostLink: "pcie4-x16", peerLink: "pcie", peerBytesPerS: 20e9, priceUsd: 4500, ratesRef: "NVIDIA RTX A6000 datasheet" }),
  l40s: gpu({ id: "l40s", name: "NVIDIA L40S", nominalGb: 48, usableGib: 44.39, usableSource: OOM_MESSAGE(44.39), bf16Tflops: 362, fp8Tflops: 733, memoryBandwidthGbPerS: 864, hostLink: "pcie4-x16", peerLink: "pcie", peerBytesPerS: 20e9, priceUsd: 8000, ratesRef: "NVIDIA L40S datasheet" }),
  "a100-40gb": gpu({ id: "a100-40gb", name: "NVIDIA A100 40GB", nominalGb: 40, usableGib: 39.39, usableSource: OOM_MESSAGE(39.39), bf16Tflops: 312, fp8Tflops: null, memoryBandwidthGbPerS: 1555, hostLink: "pcie4-x16", peerLink: "nvlink", peerBytesPerS: 240e9, priceUsd: 6000, ratesRef: "NVIDIA A100 datasheet" }),
  "a100-80gb": gpu({ id: "a100-80gb", name: "NVIDIA A100 80GB", nominalGb: 80, usableGib: 79.15, usableSource: OOM_MESSAGE(79.15), bf16Tflops: 312, fp8Tflops: null, memoryBandwidthGbPerS: 2039, hostLink: "pcie4-x16", peerLink: "nvlink", peerBytesPerS: 240e9, priceUsd: 12000, ratesRef: "NVIDIA A100 datasheet (SXM)" }),
  "h100-sxm": gpu({ id: "h100-sxm", name: "NVIDIA H100 80GB HBM3 (SXM)", nominalGb: 80, usableGib: 79.18, usableSource: measured("device tool, torch.cuda.get_device_properties(0).total_memory on H100 SXM, 2026-11"), bf16Tflops: 989.4, fp8Tflops: 1978.9, memoryBandwidthGbPerS: 3350, hostLink: "pcie5-x16", peerLink: "nvlink", peerBytesPerS: 360e9, priceUsd: 25000, ratesRef: "NVIDIA H100 datasheet (SXM5)" }),
  "h100-pcie": gpu({ id: "h100-pcie", name: "NVIDIA H100 PCIe 80GB", nominalGb: 80, usableGib: 79.18, usableSource: measured("same HBM size as the measured H100 SXM (79.18 GiB)"), bf16Tflops: 756, fp8Tflops: 1513, memoryBandwidthGbPerS: 2000, hostLink: "pcie5-x16", peerLink: "pcie", peerBytesPerS: 50e9, priceUsd: 22000, ratesRef: "NVIDIA H100 datasheet (PCIe)" }),
  h200: gpu({ id: "h200", name: "NVIDIA H200 141GB", nominalGb: 141, usableGib: 139.8, usableSource: measured("device tool, torch.cuda.get_device_properties(0).total_memory on H200, 2026-11"), bf16Tflops: 989.4, fp8Tflops: 1978.9, memoryBandwidthGbPerS: 4800, hostLink: "pcie5-x16", peerLink: "nvlink", peerBytesPerS: 360e9, priceUsd: 32000, ratesRef: "NVIDIA H200 datasheet (SXM)" }),
  b200: gpu({ id: "b200", name: "NVIDIA B200 180GB", nominalGb: 180, usableGib: 178.35, usableSource: OOM_MESSAGE(178.35), bf16Tflops: 2250, fp8Tflops: 4500, memoryBandwidthGbPerS: 8000, hostLink: "pcie5-x16", peerLink: "nvlink", peerBytesPerS: 720e9, priceUsd: 40000, ratesRef: "NVIDIA B200 datasheet (dense)" }),
};

export const isGpuId = (id: string): id is GpuId => (GPU_IDS as readonly string[]).includes(id);

/** nvidia-smi's / PyTorch's product names → catalog ids; the first pattern that matches wins. */
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

/** The catalog GPU a device's product name belongs to ("NVIDIA H200" → h200), or null. */
export const catalogGpuId = (name: string): GpuId | null => NAME_PATTERNS.find(([pattern]) => pattern.test(name))?.[1] ?? null;
