import type { Measurement } from "./calibration.ts";
import { planDifferences } from "./plan-diff.ts";

/** Flags a stand-in's other lines already cover (fewer ranks change the layout with them). */
const COVERED_FLAGS: readonly string[] = ["fp8", "precision", "quantize_on_cpu", "count", "num_gpus_dit", "enable_vae_parallel"];

const precisionOf = (params: Measurement["plan"]["params"]): string => (params.fp8 ? `${params.precision}+fp8` : params.precision);

/**
 * How a committed run stood in for the plan it measures (its `emulation`): another precision, fewer ranks, ranks
 * sharing one GPU, any other flag the probe ran differently. [] when it ran the plan as written.
 */
export const standInOf = (m: Pick<Measurement, "plan" | "emulation">): string[] => {
  const emulation = m.emulation;
  if (!emulation) return [];
  const ran = emulation.plan ?? m.plan;
  const lines: string[] = [];
  const asked = precisionOf(m.plan.params);
  const measured = precisionOf(ran.params);
  if (asked !== measured) lines.push(`measured in ${measured}, the plan asks ${asked}`);
  if (emulation.processes < m.plan.hardware.count) lines.push(`measured on ${emulation.processes} ranks, the plan has ${m.plan.hardware.count}`);
  for (const shared of emulation.sharedGpus) lines.push(`ranks ${shared.ranks.join(" and ")} shared GPU ${shared.gpu}`);
  for (const d of planDifferences(m.plan, ran)) {
    if (!COVERED_FLAGS.includes(d.flag)) lines.push(`measured with --${d.flag} ${d.value}, the plan has ${d.current}`);
  }
  return lines;
};
