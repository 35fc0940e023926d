import { estimate, resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate.ts";
import { JOB_PURPOSE, jobRefusals } from "./job-admission.ts";

const refusedRules = (overrides: Parameters<typeof resolvePlan>[0], runner: keyof typeof JOB_PURPOSE) => {
  const plan = resolvePlan(overrides);
  return jobRefusals(evaluate(plan, estimate(plan)), runner).map((finding) => finding.ruleId);
};

describe("jobRefusals", () => {
  it("lets every runner run a plan without error-level findings", () => {
    for (const runner of Object.keys(JOB_PURPOSE) as (keyof typeof JOB_PURPOSE)[]) expect(refusedRules({}, runner)).toEqual([]);
  });

  it("refuses an invalid plan for every runner", () => {
    for (const runner of Object.keys(JOB_PURPOSE) as (keyof typeof JOB_PURPOSE)[]) {
      expect(refusedRules({ params: { precision: "fp16" } }, runner)).toContain("precision/fr-11");
    }
  });

  it("lets a measuring runner run a predicted out-of-memory, which LiveAvatar itself is refused", () => {
    const oom = { hardware: { gpu: "rtx-4090" as const, count: 5 } };
    expect(refusedRules(oom, "liveavatar")).toContain("memory/out-of-memory");
    expect(refusedRules(oom, "probe")).toEqual([]);
    expect(refusedRules(oom, "upstream")).toEqual([]);
  });
});
