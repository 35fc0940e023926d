import type { Plan, PlanPatch } from "@headroom/estimator";
import { smallerSupportedSizes } from "../liveavatar/sizes.ts";

export type Lever = {
  id: string;
  /** Levers on the same field never combine (two sizes at once make no sense). */
  field: string;
  patch: PlanPatch;
  /** Part of the "everything that saves VRAM" probe that rules a hardware base out in one estimate. */
  isProbe: boolean;
  /** Tried only when nothing else fits on that hardware (shorter clips change the output). */
  isFallback: boolean;
};

type FlagLever = Omit<Lever, "isFallback"> & { applies: (plan: Plan) => boolean };

/** Fixed order: it breaks ranking ties, so the cheapest-to-explain change comes first. */
const FLAG_LEVERS: FlagLever[] = [
  { id: "fp8", field: "params.fp8", patch: { params: { fp8: true } }, isProbe: true, applies: (p) => !p.params.fp8 },
  { id: "offload-kv-cache", field: "params.offloadKvCache", patch: { params: { offloadKvCache: true } }, isProbe: true, applies: (p) => !p.params.offloadKvCache },
  // Headroom's loader patch: the bf16 DiT never reaches the GPU, so --fp8 pays off at load too.
  { id: "quantize-on-cpu", field: "params.quantizeOnCpu", patch: { params: { quantizeOnCpu: true, fp8: true } }, isProbe: true, applies: (p) => !p.params.quantizeOnCpu },
  { id: "t5-cpu", field: "params.t5Cpu", patch: { params: { t5Cpu: true } }, isProbe: true, applies: (p) => !p.params.t5Cpu },
  { id: "offload-model", field: "params.offloadModel", patch: { params: { offloadModel: true } }, isProbe: true, applies: (p) => p.parallel.mode === "single" && !p.params.offloadModel },
  // Keeps the rollout alive during decode (more VRAM there) but stops frames piling up in host RAM.
  { id: "online-decode", field: "params.enableOnlineDecode", patch: { params: { enableOnlineDecode: true } }, isProbe: false, applies: (p) => !p.params.enableOnlineDecode },
  { id: "dit-fsdp", field: "parallel.ditFsdp", patch: { parallel: { ditFsdp: true } }, isProbe: true, applies: (p) => p.parallel.mode === "tpp" && !p.parallel.ditFsdp },
  // Speed levers: undo the offloads that make a plan crawl, where memory allows.
  { id: "no-fsdp-cpu-offload", field: "parallel.fsdpCpuOffload", patch: { parallel: { fsdpCpuOffload: false } }, isProbe: false, applies: (p) => p.parallel.fsdpCpuOffload },
  { id: "kv-cache-on-gpu", field: "params.offloadKvCache", patch: { params: { offloadKvCache: false } }, isProbe: false, applies: (p) => p.params.offloadKvCache },
];

/** At most this many smaller sizes, nearest first. */
const MAX_SIZE_LEVERS = 3;
/** The scripts' 48 frames, then multiples of 12 below it (whole 3-latent-frame blocks). */
const FEWER_FRAMES = [48, 24, 12];

export const leversFor = (plan: Plan): Lever[] => [
  ...FLAG_LEVERS.filter((lever) => lever.applies(plan)).map(({ applies: _applies, ...lever }) => ({ ...lever, isFallback: false })),
  ...smallerSupportedSizes(plan.params.size)
    .slice(0, MAX_SIZE_LEVERS)
    .map((size) => ({ id: `size-${size}`, field: "params.size", patch: { params: { size } }, isProbe: true, isFallback: false })),
  ...FEWER_FRAMES.filter((frames) => frames < plan.params.inferFrames).map((inferFrames) => ({
    id: `infer-frames-${inferFrames}`,
    field: "params.inferFrames",
    patch: { params: { inferFrames } },
    isProbe: true,
    isFallback: true,
  })),
];

export const mergePatches = (patches: readonly PlanPatch[]): PlanPatch =>
  patches.reduce<PlanPatch>(
    (merged, patch) => ({
      params: { ...merged.params, ...patch.params },
      parallel: { ...merged.parallel, ...patch.parallel },
      hardware: { ...merged.hardware, ...patch.hardware },
    }),
    {},
  );

/** Every probe lever at once; on a shared field the last (smallest size, fewest frames) wins. */
export const probePatch = (levers: readonly Lever[]): PlanPatch => mergePatches(levers.filter((lever) => lever.isProbe).map((lever) => lever.patch));

/** Index combinations of 1..maxSize levers, by size then lexicographically, never two on one field. */
export function* combinations(levers: readonly Lever[], maxSize: number): Generator<number[]> {
  const extend = function* (prefix: number[], start: number, size: number): Generator<number[]> {
    if (prefix.length === size) {
      yield prefix;
      return;
    }
    for (let i = start; i < levers.length; i++) {
      const field = levers[i]?.field;
      if (prefix.some((j) => levers[j]?.field === field)) continue;
      yield* extend([...prefix, i], i + 1, size);
    }
  };
  for (let size = 1; size <= maxSize; size++) yield* extend([], 0, size);
}
