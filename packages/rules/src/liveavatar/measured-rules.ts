import { DEFAULT_AUDIO_SECONDS, formatGib, planDifferences, type MeasuredRun, type Plan } from "@headroom/estimator";
import type { Rule } from "../rule.ts";
import { isOutOfMemory } from "./memory-fixes.ts";

/**
 * Flags that do not move a GPU's peak: a run differing only in these measured this plan's GPU memory. Host RAM and links
 * by construction; enable_compile by measurement (upstream's own compiled and eager runs at 704×384 peaked at 60.10 and
 * 60.02 GiB: data/measurements/upstream-704x384-c2.json, -eager-c2.json).
 */
const PEAK_NEUTRAL_FLAGS: readonly string[] = ["num_clip", "host_ram_gb", "host_link", "gpu_topology", "enable_compile"];

/** No audio length given means the default is assumed: a run at that default measured the same plan. */
const withAssumedAudio = (plan: Plan): Plan => ({ ...plan, params: { ...plan.params, audioSeconds: plan.params.audioSeconds ?? DEFAULT_AUDIO_SECONDS } });

const measuresThisPlan = (plan: Plan, run: MeasuredRun): boolean =>
  planDifferences(withAssumedAudio(plan), withAssumedAudio(run.plan)).every((difference) => PEAK_NEUTRAL_FLAGS.includes(difference.flag));

const BY_INSTRUMENT: Record<MeasuredRun["comparison"]["instrument"], string> = {
  probe: "a probe run of this plan",
  upstream: "LiveAvatar's own code (upstream @9c2c38d, random weights) running this plan",
};

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
          const over = run.comparison.overCapBytes;
          const what = over > 0
            ? `completed under its cap but held ${formatGib(over, 2)} more than the card (the cap binds PyTorch's allocator, not what cuDNN and compiled kernels add beside it)`
            : `ran out of memory at ${run.comparison.measuredOomPhase ?? "an unknown phase"}`;
          return {
            message: `${BY_INSTRUMENT[run.comparison.instrument]} ${what}${standIn}`,
            path: [],
            cites: [`data/measurements/${run.file}`],
          };
        });
    },
  },
];
