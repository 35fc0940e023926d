import { describe, expect, it } from "vitest";
import { resolvePlan } from "./defaults.ts";
import { Plan } from "./plan.ts";
import { planFromEntries, planFromQuery, planToQuery } from "./plan-query.ts";

describe("a Plan round-trips", () => {
  const plans = [
    resolvePlan({}),
    resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } }),
    resolvePlan({ hardware: { gpu: "custom", custom: { name: "My card", vramGib: 20, bf16Tflops: 90, memoryBandwidthGbPerS: 700 } }, params: { audioSeconds: 12.5, offloadKvCache: true } }),
    resolvePlan({ hardware: { gpu: "rtx-4090", hostRamGb: 256 }, params: { imageSize: "1080*1920" } }),
  ];
  it.each(plans.map((plan, index) => [index, plan] as const))("through a URL query string (%i)", (_, plan) => {
    const parsed = planFromQuery(planToQuery(plan));
    expect(parsed).toEqual({ ok: true, plan });
  });
  it.each(plans.map((plan, index) => [index, plan] as const))("through JSON (%i)", (_, plan) => {
    expect(Plan.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });
});

describe("query strings", () => {
  it("are encoded as URLSearchParams encodes them, free text included", () => {
    const plan = resolvePlan({ hardware: { gpu: "custom", custom: { name: "Bob's card (v2) ~ 50% + more", vramGib: 20, bf16Tflops: 90, memoryBandwidthGbPerS: 700 } } });
    const query = planToQuery(plan);
    expect(query).toContain("custom_name=Bob%27s+card+%28v2%29+%7E+50%25+%2B+more");
    expect(new URLSearchParams(query).get("custom_name")).toBe("Bob's card (v2) ~ 50% + more");
    expect(planFromQuery(query)).toEqual({ ok: true, plan });
  });
  it.each([
    ["?num_clip=7&gpu=rtx-4090", 7, "rtx-4090"],
    ["num_clip=7&&gpu=rtx-4090&", 7, "rtx-4090"],
    ["num%5Fclip=7&gpu=rtx%2D4090", 7, "rtx-4090"],
    ["num_clip=%37&gpu=rtx%2D4090", 7, "rtx-4090"],
  ])("are decoded as URLSearchParams decodes them: %s", (query, numClip, gpu) => {
    const parsed = planFromQuery(query);
    expect(parsed.ok && [parsed.plan.params.numClip, parsed.plan.hardware.gpu]).toEqual([numClip, gpu]);
  });
  it("names a flag given without a value", () => {
    expect(planFromQuery("num_clip")).toEqual({ ok: false, error: { field: "num_clip", message: 'expects a number, got ""' } });
  });
  it.each(["0x10", "0b11", "0o7", "1e3", " 5", "5 ", "+5", "5.", "5.0", ".5", "1_000", "Infinity", "٥"])("refuses %j for an integer field, naming the flag", (value) => {
    expect(planFromQuery(new URLSearchParams({ count: value }).toString())).toEqual({ ok: false, error: { field: "count", message: expect.stringMatching(/expects a (whole )?number/) } });
  });
  it.each(["0x10", "1e3", " 5", "+5", "5.", ".5", "Infinity"])("refuses %j for a real-valued field", (value) => {
    expect(planFromQuery(new URLSearchParams({ audio_seconds: value }).toString())).toMatchObject({ ok: false, error: { field: "audio_seconds" } });
  });
  it("refuses a field given twice, in one spelling or two, rather than guess which was meant", () => {
    expect(planFromQuery("count=5&count=6")).toEqual({ ok: false, error: { field: "count", message: "is given more than once: give it once" } });
    expect(planFromQuery("num_clip=2&num-clip=2")).toMatchObject({ ok: false, error: { field: "num_clip" } });
    expect(planFromQuery("count=5&num_clip=2").ok).toBe(true);
    const commandLine = planFromEntries([["count", "5"], ["count", "1"]]); // a command line: the later flag wins
    expect(commandLine.ok && commandLine.plan.hardware.count).toBe(1);
  });
  it("reads decimals for real-valued fields", () => {
    const parsed = planFromQuery("audio_seconds=12.5&sample_guide_scale=0&count=2");
    expect(parsed.ok && [parsed.plan.params.audioSeconds, parsed.plan.params.sampleGuideScale, parsed.plan.hardware.count]).toEqual([12.5, 0, 2]);
  });
});

describe("planFromEntries", () => {
  it("fills upstream script defaults for the GPU count: single-GPU script for 1, TPP script for 5", () => {
    const one = planFromEntries([["gpu", "h100-sxm"]]);
    const five = planFromEntries([["gpu", "h100-sxm"], ["count", "5"]]);
    expect(one.ok && one.plan.params.size).toBe("704*384");
    expect(one.ok && one.plan.params.offloadModel).toBe(true);
    expect(five.ok && five.plan.params.size).toBe("720*400");
    expect(five.ok && five.plan.parallel).toMatchObject({ mode: "tpp", numGpusDit: 4, enableVaeParallel: true });
  });
  it("accepts upstream and kebab spellings and booleans in any case", () => {
    const parsed = planFromEntries([["num_clip", "7"], ["offload-kv-cache", "True"], ["fp8", "FALSE"]]);
    expect(parsed.ok && parsed.plan.params).toMatchObject({ numClip: 7, offloadKvCache: true, fp8: false });
  });
  it.each([
    [[["gpu", "rtx-9999"]], "gpu"],
    [[["size", "704x384"]], "size"],
    [[["count", "-1"]], "count"],
    [[["num_clip", "abc"]], "num_clip"],
    [[["fp8", "maybe"]], "fp8"],
    [[["bogus", "1"]], "bogus"],
    [[["image_size", "1080x1920"]], "image_size"],
    [[["image_size", "0*10"]], "image_size"],
    [[["host_ram_gb", "-4"]], "host_ram_gb"],
    [[["host_ram_gb", "lots"]], "host_ram_gb"],
  ] as const)("names the bad field: %j", (entries, field) => {
    const parsed = planFromEntries(entries);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.field).toBe(field);
  });
});

describe("fields the user may leave out (image_size, host_ram_gb)", () => {
  it("stay null when absent, and the query does not name them", () => {
    const parsed = planFromQuery("gpu=rtx-4090");
    expect(parsed.ok && [parsed.plan.params.imageSize, parsed.plan.hardware.hostRamGb]).toEqual([null, null]);
    const query = planToQuery(resolvePlan({}));
    expect(query).not.toContain("image_size");
    expect(query).not.toContain("host_ram_gb");
    expect(planFromQuery(query)).toEqual({ ok: true, plan: resolvePlan({}) });
  });
  it("parse when present, in either spelling", () => {
    const parsed = planFromQuery("image_size=1080*1920&host-ram-gb=64");
    expect(parsed.ok && [parsed.plan.params.imageSize, parsed.plan.hardware.hostRamGb]).toEqual(["1080*1920", 64]);
    expect(parsed.ok && planToQuery(parsed.plan)).toContain("image_size=1080*1920");
  });
  it("an empty value means not given", () => {
    const parsed = planFromEntries([["image_size", ""], ["host_ram_gb", " "], ["audio_seconds", ""]]);
    expect(parsed.ok && [parsed.plan.params.imageSize, parsed.plan.hardware.hostRamGb, parsed.plan.params.audioSeconds]).toEqual([null, null, null]);
  });
  it("a required field still refuses an empty value", () => {
    expect(planFromEntries([["num_clip", ""]]).ok).toBe(false);
    expect(planFromEntries([["size", ""]]).ok).toBe(false);
  });
});
