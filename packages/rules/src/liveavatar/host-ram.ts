import type { Plan } from "@headroom/estimator";

/** Common server memory sizes, to turn "needs 141 GB" into a host one can buy. */
export const HOST_RAM_STEPS_GB = [64, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096, 8192] as const;

/** The smallest common size that holds the bytes; the largest step when nothing does. */
export const hostRamStepGb = (bytes: number): number =>
  HOST_RAM_STEPS_GB.find((gb) => gb * 1e9 >= bytes) ?? HOST_RAM_STEPS_GB[HOST_RAM_STEPS_GB.length - 1] ?? 8192;

/** Any flag that parks weights or caches in host RAM raises FR-19's bar from 128 to 256 GB. */
export const usesCpuOffload = (plan: Plan): boolean =>
  plan.params.offloadModel || plan.params.offloadKvCache || plan.params.t5Cpu || plan.parallel.fsdpCpuOffload;

/** Past this a host is no longer a common size: a run that needs more, on a host not given, gets a warning. */
export const COMMON_HOST_RAM_GB = 128;

/** The installed host RAM in bytes; null when the plan does not say (never an assumed size). */
export const hostRamBytes = (plan: Plan): number | null => (plan.hardware.hostRamGb === null ? null : plan.hardware.hostRamGb * 1e9);
