import { catalogGpuId, GIB, resolvePlan, type CustomGpu, type Plan, type PlanField } from "@headroom/estimator";
import type { HostInventory } from "@headroom/db/host-inventory";

export type FieldValue = string | number | boolean | null;

const DEFAULT_CUSTOM: CustomGpu = { name: "custom GPU", vramGib: 24, bf16Tflops: 100, memoryBandwidthGbPerS: 1000 };

/** A Plan field's current value, addressed the way PLAN_FIELDS names it. */
export const readField = (plan: Plan, field: PlanField): FieldValue => {
  if (field.group === "model") return plan.model;
  if (field.group === "custom") return (plan.hardware.custom?.[field.key as keyof CustomGpu] as FieldValue | undefined) ?? null;
  return (plan[field.group] as Record<string, FieldValue>)[field.key] ?? null;
};

/** The plan with one field changed; choosing a custom GPU gives it editable defaults. */
export const writeField = (plan: Plan, field: PlanField, value: FieldValue): Plan => {
  if (field.group === "model") return { ...plan, model: value as Plan["model"] };
  if (field.group === "custom") return { ...plan, hardware: { ...plan.hardware, custom: { ...(plan.hardware.custom ?? DEFAULT_CUSTOM), [field.key]: value } } };
  if (field.group === "hardware" && field.key === "count") return withGpuCount(plan, Number(value));
  const next = { ...plan, [field.group]: { ...plan[field.group], [field.key]: value } } as Plan;
  if (field.group === "hardware" && field.key === "gpu" && value === "custom" && !next.hardware.custom) next.hardware = { ...next.hardware, custom: DEFAULT_CUSTOM };
  return next;
};

/** A new GPU count takes the upstream launch script's layout for that count (1 → single GPU, 5 → TPP). */
export const withGpuCount = (plan: Plan, count: number): Plan => {
  if (!Number.isInteger(count) || count < 1) return plan;
  const script = resolvePlan({ hardware: { count } });
  const wasMulti = plan.hardware.count > 1;
  const isMulti = count > 1;
  return {
    ...plan,
    hardware: { ...plan.hardware, count },
    parallel: wasMulti === isMulti ? plan.parallel : script.parallel,
    params: wasMulti === isMulti ? plan.params : { ...plan.params, offloadModel: script.params.offloadModel },
  };
};

/** A registered host's measured inventory as the plan's hardware: catalog GPU where the name matches, else custom. */
export const hardwareFromHost = (plan: Plan, name: string, inventory: HostInventory): Plan => {
  const first = inventory.gpus[0];
  if (!first) return plan;
  const gpu = catalogGpuId(first.name);
  const withCount = withGpuCount(plan, inventory.gpus.length);
  return {
    ...withCount,
    hardware: {
      ...withCount.hardware,
      gpu: gpu ?? "custom",
      custom: gpu ? null : { ...DEFAULT_CUSTOM, name: `${first.name} (${name})`, vramGib: +(first.totalBytes / GIB).toFixed(2) },
      ...(inventory.hostRam ? { hostRamGb: Math.max(1, Math.round(inventory.hostRam.totalBytes / 1e9)) } : {}),
      ...(inventory.links[0] ? { gpuTopology: inventory.links[0].kind } : {}),
    },
  };
};

/** The video needs ceil(25 · seconds / infer_frames) clips to cover the audio (25 FPS output). */
export const clipsForAudio = (seconds: number, inferFrames: number): number => Math.ceil((25 * seconds) / inferFrames);
