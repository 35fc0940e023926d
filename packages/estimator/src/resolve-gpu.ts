import { GPU_CATALOG, HOST_LINK_BYTES_PER_S, type HostLink } from "./gpu-catalog.ts";
import type { Hardware } from "./plan.ts";
import { GIB } from "./units.ts";

export type ResolvedGpu = {
  name: string;
  usableBytes: number;
  bf16Tflops: number;
  fp8Tflops: number | null;
  memoryBandwidthGbPerS: number;
  hostBytesPerS: number;
  peerBytesPerS: number;
  priceUsd: number | null;
};

/** The catalog entry, or the custom GPU the plan describes; the plan's host link wins over the catalog's. */
export const resolveGpu = (hardware: Hardware): ResolvedGpu => {
  const hostBytesPerS = HOST_LINK_BYTES_PER_S[hardware.hostLink as HostLink];
  if (hardware.gpu === "custom" || !(hardware.gpu in GPU_CATALOG)) {
    const custom = hardware.custom ?? { name: "custom GPU", vramGib: 24, bf16Tflops: 100, memoryBandwidthGbPerS: 1000 };
    return {
      name: custom.name,
      usableBytes: custom.vramGib * GIB,
      bf16Tflops: custom.bf16Tflops,
      fp8Tflops: null,
      memoryBandwidthGbPerS: custom.memoryBandwidthGbPerS,
      hostBytesPerS,
      peerBytesPerS: hostBytesPerS / 2,
      priceUsd: null,
    };
  }
  const spec = GPU_CATALOG[hardware.gpu];
  return {
    name: spec.name,
    usableBytes: spec.usableBytes,
    bf16Tflops: spec.bf16Tflops,
    fp8Tflops: spec.fp8Tflops,
    memoryBandwidthGbPerS: spec.memoryBandwidthGbPerS,
    hostBytesPerS,
    peerBytesPerS: Math.min(spec.peerBytesPerS, spec.peerLink === "nvlink" ? Infinity : hostBytesPerS),
    priceUsd: spec.priceUsd,
  };
};
