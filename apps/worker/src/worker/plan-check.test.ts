import { resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { planRefusal } from "./plan-check.ts";

describe("planRefusal", () => {
  it("lets a plan without error-level findings run", () => {
    expect(planRefusal(resolvePlan({}), "probe")).toBeNull();
    expect(planRefusal(resolvePlan({}), "liveavatar")).toBeNull();
  });

  it("refuses an invalid plan for either runner, naming the rule", () => {
    const fp16 = resolvePlan({ params: { precision: "fp16" } });
    expect(planRefusal(fp16, "probe")).toMatch(/^plan refused before it reached a GPU: .*\[precision\/fr-11\]$/);
    expect(planRefusal(fp16, "liveavatar")).toMatch(/\[precision\/fr-11\]/);
  });

  it("asks the rules' jobRefusals: the probe measures a predicted out-of-memory, LiveAvatar itself is refused", () => {
    const oom = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 } });
    expect(planRefusal(oom, "probe")).toBeNull();
    expect(planRefusal(oom, "liveavatar")).toMatch(/\[memory\/out-of-memory\]/);
  });
});
