import { planDifferences, type MeasuredRun, type Plan } from "@headroom/estimator";
import type { Rule } from "../rule.ts";
import { isOutOfMemory } from "./memory-fixes.ts";

/** Flags that move host RAM or links, not a GPU's peak: a run differing only in these measured this plan's GPU memory. */
const HOST_ONLY_FLAGS: readonly string[] = ["num_clip", "host_ram_gb", "host_link", "gpu_topology"];

const measuresThisPlan = (plan: Plan, run: MeasuredRun): boolean =>
  planDifferences(plan, run.plan).every((difference) => HOST_ONLY_FLAGS.includes(difference.flag));

/** The committed runs (data/measurements) are read by the caller and passed in; without them this rule is quiet. */
export const MEASURED_RULES: Rule[] = [
  {
    id: "measured/oom-of-this-plan",
    severity: "warning",
    family: "measured",
    implies: "risky",
    cites: ["data/measurements"],
    check: ({ plan, estimate, measured }) => {
      // An estimate that already runs out of memory says so itself; this rule is for a plan Headroom thinks fits.
      if (isOutOfMemory(estimate)) return null;
      return measured
        .filter((run) => !run.comparison.measuredFits && measuresThisPlan(plan, run))
        .map((run) => {
          const standIn = run.standIn.length > 0 ? ` (a stand-in: ${run.standIn.join("; ")})` : "";
          return {
            message: `a probe run of this plan ran out of memory at ${run.comparison.measuredOomPhase ?? "an unknown phase"}${standIn}`,
            path: [],
            cites: [`data/measurements/${run.file}`],
          };
        });
    },
  },
];
