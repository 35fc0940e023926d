import { estimate, formatGbInput, formatGib, GIB, resolvePlan, type Plan, type PlanInput } from "@headroom/estimator";
import { afterAll, describe, expect, test } from "vitest";
import { evaluate } from "./evaluate.ts";
import { HOST_RAM_STEPS_GB } from "./liveavatar/host-ram.ts";
import { suggest } from "./suggest.ts";

/** Numbers the field report states in GB (FR-3, FR-4, FR-7, FR-12, FR-14, FR-15, FR-17, FR-19). */
const REPORT_GB = [4.17, 17.2, 18, 21.48, 22, 25.8, 26, 80, 92, 128, 256];

/**
 * Every memory figure Headroom prints is GiB. A GB figure is allowed only where it is converted on the spot
 * ("128 GB (119.2 GiB)"), quoted from the report in a sentence that says so, or a host RAM size a person types.
 */
export const strayGb = (text: string, plan: Plan): string[] =>
  [...text.matchAll(/(\d+(?:\.\d+)?) ?GB\b/g)].flatMap((match) => {
    const value = Number(match[1]);
    const rest = text.slice((match.index ?? 0) + match[0].length);
    const isConverted = /^ \(\d+(?:\.\d+)? GiB\)/.test(rest);
    const isReport = /report|FR-\d+/.test(text) && REPORT_GB.includes(value);
    const isTyped = /host RAM|host_ram_gb/.test(text) && (value === plan.hardware.hostRamGb || (HOST_RAM_STEPS_GB as readonly number[]).includes(value));
    return isConverted || isReport || isTyped ? [] : [match[0]];
  });

const BOX: PlanInput["hardware"] = { gpu: "rtx-4090", count: 5, hostRamGb: 128, hostLink: "pcie4-x16" };
const PLANS: Record<string, PlanInput> = {
  "FR-21 box": { hardware: BOX, params: { size: "704*384", numClip: 100 } },
  "FR-21 box, no host RAM": { hardware: { ...BOX, hostRamGb: null }, params: { size: "704*384", numClip: 100 } },
  "v1.0 FSDP": { hardware: BOX, params: { size: "704*384" }, parallel: { ditFsdp: true, t5Fsdp: true } },
  "FSDP CPU offload": { hardware: BOX, parallel: { ditFsdp: true, fsdpCpuOffload: true } },
  "FSDP, whole model": { hardware: BOX, parallel: { ditFsdp: true, fsdpWrap: "model" } },
  "one 4090, offload": { hardware: { gpu: "rtx-4090", count: 1, hostRamGb: 64 }, params: { offloadModel: true, offloadKvCache: true } },
  "one 4090, 16 GB host": { hardware: { gpu: "rtx-4090", count: 1, hostRamGb: 16 }, params: { offloadKvCache: true, quantizeOnCpu: true } },
  "one H100": { hardware: { gpu: "h100-sxm", count: 1 } },
  "one H100, long audio, no host RAM": { hardware: { gpu: "h100-sxm", count: 1, hostRamGb: null }, params: { numClip: 1000, audioSeconds: 3600 } },
  "4 × 4090 preview": { hardware: { gpu: "rtx-4090", count: 4 }, params: { size: "384*256", numClip: 5 } },
};

describe("memory units", () => {
  test("formatGib prints binary GiB; a typed GB size is shown with its GiB", () => {
    expect(formatGib(23.65 * GIB, 2)).toBe("23.65 GiB");
    expect(formatGib(142.7e9)).toBe("132.9 GiB");
    expect(formatGbInput(128)).toBe("128 GB (119.2 GiB)");
  });

  test("the checker itself: a computed GB figure is caught, report and typed ones pass", () => {
    const plan = resolvePlan({ hardware: BOX });
    expect(strayGb("the run needs 142.7 GB of host RAM", plan)).toEqual(["142.7 GB"]);
    expect(strayGb("25 GB usable per GPU", plan)).toEqual(["25 GB"]);
    expect(strayGb("the host has 128 GB (119.2 GiB)", plan)).toEqual([]);
    expect(strayGb("the report's 26 GB checklist line", plan)).toEqual([]);
    expect(strayGb("192 GB host RAM", plan)).toEqual([]);
  });

  const seen = new Set<string>();
  afterAll(() => {
    // The plans reach every rule and note that prints a memory figure.
    for (const id of ["hardware/fr-17-vram", "hardware/fr-19-host-ram", "hardware/host-ram-exceeded", "hardware/host-ram-needed-past-common", "memory/out-of-memory", "FR-3", "FR-4", "FR-9", "FR-12", "FR-15"]) expect([...seen]).toContain(id);
  });

  test.each(Object.entries(PLANS))("%s: findings, fixes, headline and notes print no computed GB", (_, input) => {
    const plan = resolvePlan(input);
    const est = estimate(plan);
    const verdict = evaluate(plan, est);
    for (const id of [...verdict.findings.map((f) => f.ruleId), ...est.notes.map((n) => n.id)]) seen.add(id);
    const texts = [
      verdict.headline,
      ...verdict.findings.flatMap((finding) => [finding.message, ...finding.fixes.map((fix) => fix.label)]),
      ...est.notes.map((note) => note.message),
    ];
    expect(texts.flatMap((text) => strayGb(text, plan).map((stray) => `${stray} in: ${text}`))).toEqual([]);
    // What Headroom predicts is its own number: never GB.
    expect(est.notes.map((note) => note.predicted ?? "").filter((text) => /\bGB\b/.test(text))).toEqual([]);
  });

  test("suggestions for the field report's plan print no computed GB", () => {
    const plan = resolvePlan(PLANS["FR-21 box"]!);
    const texts = suggest(plan, { limit: 5 }).flatMap((s) => [...s.changes, s.verdict.headline, ...s.verdict.findings.map((f) => f.message)]);
    expect(texts.flatMap((text) => strayGb(text, plan).map((stray) => `${stray} in: ${text}`))).toEqual([]);
  });
});
