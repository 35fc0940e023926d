// zod for the Verdict and Findings stored as JSON (reports, host preflight), typed against @headroom/rules.
import { Hardware, Params, Parallel } from "@headroom/estimator";
import { VERDICT_STATUSES, type Finding, type Verdict } from "@headroom/rules";
import { z } from "zod";

const Fix = z.object({
  label: z.string(),
  patch: z.object({
    params: Params.partial().optional(),
    hardware: Hardware.partial().optional(),
    parallel: Parallel.partial().optional(),
  }),
});

export const FindingJson: z.ZodType<Finding> = z.object({
  ruleId: z.string(),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  path: z.array(z.string()),
  cites: z.array(z.string()),
  fixes: z.array(Fix),
});

export const VerdictJson: z.ZodType<Verdict> = z.object({
  status: z.enum(VERDICT_STATUSES),
  findings: z.array(FindingJson),
  headline: z.string(),
});
