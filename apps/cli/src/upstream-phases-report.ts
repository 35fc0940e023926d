import { formatGibValue, formatSignedGibValue, type UpstreamPhaseRow } from "@headroom/estimator";

/** estimate() against upstream's own runs, phase by phase (live = allocated + outside the allocator; held = nvidia-smi). */
export const formatUpstreamPhases = (rows: readonly UpstreamPhaseRow[]): string[] => {
  if (rows.length === 0) return [];
  return [
    "",
    "estimate() against upstream per phase (GiB; live = allocated + outside the allocator, what a capped run needs; held = nvidia-smi, cache included; error = the estimate's distance from [live, held], bar max(3 %, 0.5 GiB) of held)",
    `  ${"upstream run".padEnd(36)} ${"phase".padEnd(8)} ${"estimate".padStart(8)} ${"live".padStart(7)} ${"held".padStart(7)} ${"error".padStart(7)}`,
    ...rows.map((r) => `  ${`${r.id}${r.rank > 0 ? ` r${r.rank}` : ""}`.padEnd(36)} ${r.phase.padEnd(8)} ${formatGibValue(r.predictedBytes).padStart(8)} ${formatGibValue(r.liveBytes).padStart(7)} ${formatGibValue(r.heldBytes).padStart(7)} ${formatSignedGibValue(r.errorBytes).padStart(7)}${r.isWithin ? "" : "!"}`),
    `Upstream phases within the bar: ${rows.filter((r) => r.isWithin).length} of ${rows.length} (a miss below the run's peak is no calibration miss, but it can decide a smaller card)`,
  ];
};
