import { formatGib } from "@headroom/estimator";
import type { Rule } from "../rule.ts";
import { tightMarginBytes } from "../thresholds.ts";
import { memoryFixes, worstGpu } from "./memory-fixes.ts";

const FAMILY = "memory";
const CITES = ["liveavatar.md"];

export const MEMORY_RULES: Rule[] = [
  {
    id: "memory/out-of-memory",
    severity: "error",
    family: FAMILY,
    implies: "out-of-memory",
    cites: CITES,
    check: ({ estimate }) => {
      const worst = worstGpu(estimate);
      if (!worst || worst.marginBytes >= 0) return null;
      const over = estimate.gpus.filter((gpu) => gpu.marginBytes < 0).length;
      const others = over > 1 ? `; ${over} of ${estimate.gpus.length} GPUs are over` : "";
      return {
        message: `rank ${worst.rank} (${worst.role}) peaks at ${formatGib(worst.peakBytes)} in ${worst.peakPhase}, ${formatGib(-worst.marginBytes)} over its ${formatGib(worst.usableBytes)} usable${others}`,
        path: ["hardware", "gpu"],
      };
    },
    fixes: ({ plan }) => memoryFixes(plan),
  },
  {
    id: "memory/tight",
    severity: "warning",
    family: FAMILY,
    implies: "tight",
    cites: [...CITES, "estimate.errorBar"],
    check: ({ estimate }) => {
      const worst = worstGpu(estimate);
      if (!worst || worst.marginBytes < 0) return null;
      const bar = tightMarginBytes(worst.usableBytes, estimate.errorBar);
      if (worst.marginBytes >= bar) return null;
      return {
        message: `rank ${worst.rank} (${worst.role}) leaves ${formatGib(worst.marginBytes)} of ${formatGib(worst.usableBytes)} at ${worst.peakPhase}, inside the estimate's ${formatGib(bar)} error bar`,
        path: ["hardware", "gpu"],
      };
    },
    fixes: ({ plan }) => memoryFixes(plan),
  },
];
