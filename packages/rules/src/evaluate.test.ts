import { estimate } from "@headroom/estimator";
import { describe, expect, test } from "vitest";
import { evaluate } from "./evaluate.ts";
import type { Rule, VerdictStatus } from "./rule.ts";
import { ctx, fakeEstimate, measuredRun, plan } from "./test-fixtures.ts";

const always = (id: string, implies: VerdictStatus, severity: Rule["severity"] = "warning"): Rule => ({
  id,
  severity,
  family: "test",
  implies,
  cites: ["test"],
  check: () => ({ message: `${id} fired`, path: [] }),
});
const never: Rule = { ...always("never", "invalid", "error"), check: () => null };

describe("evaluate", () => {
  test("no findings: runs, with a headline from the estimate", () => {
    const verdict = evaluate(plan(), fakeEstimate({ fps: 12 }), [never]);
    expect(verdict).toMatchObject({ status: "runs", findings: [] });
    // Speed as its error bar's range (12 fps ÷ 3.7 to × 1.2, rounded outward), never a bare point.
    expect(verdict.headline).toMatch(/^Runs: 3–16 FPS/);
  });

  test.each([
    [["runs-slowly", "tight"], "tight"],
    [["tight", "out-of-memory", "runs-slowly"], "out-of-memory"],
    [["out-of-memory", "invalid"], "invalid"],
    [["invalid", "out-of-memory", "tight", "runs-slowly", "runs"], "invalid"],
    [["runs"], "runs"],
    [["tight", "risky", "runs-slowly"], "risky"],
    [["risky", "out-of-memory"], "out-of-memory"],
  ] as const)("implied %j → %s", (implied, expected) => {
    const rules = implied.map((status, i) => always(`r${i}`, status));
    expect(evaluate(plan(), fakeEstimate(), rules).status).toBe(expected);
  });

  test("the headline names the first finding that set the status", () => {
    const verdict = evaluate(plan(), fakeEstimate(), [always("slow", "runs-slowly"), always("oom", "out-of-memory", "error"), always("oom2", "out-of-memory", "error")]);
    expect(verdict.headline).toBe("Out of memory: oom fired");
  });

  test("a risky plan's headline says it fits, then names the finding that makes it risky", () => {
    const verdict = evaluate(plan(), fakeEstimate({ marginsGib: [4] }), [always("tight", "tight"), always("stall", "risky")]);
    expect(verdict.status).toBe("risky");
    expect(verdict.headline).toBe("Risky: fits (4.0 GiB headroom on the fullest GPU), but stall fired");
  });

  test("the committed runs reach the rules through the context", () => {
    const seen: number[] = [];
    const rule: Rule = { ...always("reads", "runs"), check: ({ measured }) => (seen.push(measured.length), null) };
    evaluate(plan(), fakeEstimate(), [rule]);
    evaluate(plan(), fakeEstimate(), [rule], ctx({}, {}, [measuredRun({}, false)]).measured);
    expect(seen).toEqual([0, 1]);
  });

  test("findings are errors, then warnings, then info, stable within a severity", () => {
    const rules = [always("i", "runs", "info"), always("w1", "runs"), always("e", "invalid", "error"), always("w2", "runs")];
    expect(evaluate(plan(), fakeEstimate(), rules).findings.map((f) => f.ruleId)).toEqual(["e", "w1", "w2", "i"]);
  });

  test("a finding carries the rule's citations, its own, and the rule's fixes", () => {
    const rule: Rule = {
      ...always("cited", "runs"),
      check: () => ({ message: "m", path: ["params", "numClip"], cites: ["FR-9", "test"] }),
      fixes: () => [{ label: "ten clips", patch: { params: { numClip: 10 } } }],
    };
    const [finding] = evaluate(plan(), fakeEstimate(), [rule]).findings;
    expect(finding).toEqual({ ruleId: "cited", severity: "warning", message: "m", path: ["params", "numClip"], cites: ["test", "FR-9"], fixes: [{ label: "ten clips", patch: { params: { numClip: 10 } } }] });
  });

  test("a rule may return several findings (one per estimate note)", () => {
    const rule: Rule = { ...always("many", "runs", "info"), check: () => [{ message: "a", path: [] }, { message: "b", path: [] }] };
    expect(evaluate(plan(), fakeEstimate(), [rule]).findings.map((f) => f.message)).toEqual(["a", "b"]);
  });
});

describe("evaluate with the LiveAvatar pack", () => {
  const status = (c: ReturnType<typeof ctx>) => evaluate(c.plan, c.estimate).status;

  test("an invalid plan that also runs out of memory is invalid", () => {
    expect(status(ctx({ params: { precision: "fp16" } }, { marginsGib: [-3] }))).toBe("invalid");
  });
  test("out of memory beats tight and slow", () => {
    expect(status(ctx({}, { marginsGib: [-3, 0.2], fps: 0.01 }))).toBe("out-of-memory");
  });
  test("host RAM beyond the host is out of memory", () => {
    expect(status(ctx({ hardware: { hostRamGb: 64 } }, { hostRamBytes: 100e9 }))).toBe("out-of-memory");
  });
  test("host RAM not given is never out of memory: the need is a requirement, a warning past 128 GB", () => {
    const verdict = evaluate(ctx({}, { hostRamBytes: 300e9 }).plan, fakeEstimate({ hostRamBytes: 300e9 }));
    expect(verdict.status).toBe("runs");
    expect(verdict.findings).toContainEqual(expect.objectContaining({ ruleId: "hardware/host-ram-needed-past-common", severity: "warning", path: ["hardware", "hostRamGb"] }));
    expect(status(ctx({ hardware: { hostRamGb: 256 } }, { hostRamBytes: 300e9 }))).toBe("out-of-memory");
  });
  test("tight beats slow", () => {
    expect(status(ctx({}, { marginsGib: [0.4], fps: 0.05 }))).toBe("tight");
  });
  test("the tight line is max(3 % of usable, 0.5 GiB)", () => {
    expect(status(ctx({}, { marginsGib: [2.3], usableGib: 79.18 }))).toBe("tight");
    expect(status(ctx({}, { marginsGib: [2.5], usableGib: 79.18 }))).toBe("runs");
    expect(status(ctx({}, { marginsGib: [0.45], usableGib: 10 }))).toBe("tight");
    expect(status(ctx({}, { marginsGib: [0.55], usableGib: 10 }))).toBe("runs");
  });
  test("slow by fps or by offload share", () => {
    expect(status(ctx({}, { fps: 0.5 }))).toBe("runs-slowly");
    expect(status(ctx({}, { fps: 5, offloadShare: 0.5 }))).toBe("runs-slowly");
  });
  test("warnings and info alone leave it running", () => {
    expect(status(ctx({ hardware: { gpu: "rtx-4090", hostRamGb: 64 }, params: { offloadModel: true } }))).toBe("runs");
  });
  test("a plan that fits but leans on an inferred combination is risky, never runs: fp8 under FSDP, FSDP under TPP", () => {
    const fsdp = { hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100, t5Cpu: true, fp8: true }, parallel: { ditFsdp: true } } as const;
    const real = plan(fsdp);
    const verdict = evaluate(real, estimate(real));
    expect(estimate(real).gpus.every((gpu) => gpu.marginBytes >= 0)).toBe(true);
    expect(verdict.status).toBe("risky");
    expect(verdict.headline).toMatch(/^Risky: fits \(.+ headroom on the fullest GPU\), but /);
    expect(verdict.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["source/tpp-fsdp-group", "source/fp8-under-fsdp"]));
  });
  test("findings point at plan fields", () => {
    const c = ctx({ params: { size: "700*400" } });
    const verdict = evaluate(c.plan, c.estimate);
    expect(verdict.findings[0]).toMatchObject({ ruleId: "upstream/supported-size", path: ["params", "size"] });
  });
});
