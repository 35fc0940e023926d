import { describe, expect, it } from "vitest";
import { formatArgError, parseArgs, parseCheckArgs, resolveCheckPlan, type CheckArgs } from "./args.ts";

const check = (...tokens: string[]): CheckArgs => {
  const parsed = parseCheckArgs(tokens);
  if (!parsed.ok) throw new Error(formatArgError(parsed.error));
  return parsed.value;
};

const pairs = (args: CheckArgs) => args.plans.map((flag) => [flag.field.flag, flag.raw]);

const errorOf = (...tokens: string[]) => {
  const parsed = parseCheckArgs(tokens);
  if (parsed.ok) throw new Error(`expected an error for ${tokens.join(" ")}`);
  return parsed.error;
};

const planOf = (...tokens: string[]) => {
  const resolved = resolveCheckPlan(check(...tokens).plans);
  if (!resolved.ok) throw new Error(formatArgError(resolved.error));
  return resolved.value;
};

describe("parseArgs", () => {
  it("reads the command", () => {
    expect(parseArgs(["check", "--json"])).toMatchObject({ ok: true, value: { kind: "check", json: true } });
    expect(parseArgs([])).toEqual({ ok: true, value: { kind: "help" } });
    expect(parseArgs(["--help"])).toEqual({ ok: true, value: { kind: "help" } });
  });

  it("rejects an unknown command and asks for the usage", () => {
    expect(parseArgs(["chekc"])).toEqual({ ok: false, error: { flag: null, message: 'unknown command "chekc"', showUsage: true } });
  });
});

describe("parseCheckArgs", () => {
  it("accepts kebab-case and the upstream underscore spelling alike", () => {
    expect(pairs(check("--num-clip", "100", "--num_clip", "7"))).toEqual([["num_clip", "100"], ["num_clip", "7"]]);
    expect(pairs(check("--sample-guide-scale", "4.5", "--infer_frames", "48"))).toEqual([["sample_guide_scale", "4.5"], ["infer_frames", "48"]]);
  });

  it("accepts --flag=value and --flag value", () => {
    expect(pairs(check("--gpu=rtx-4090", "--count", "5", "--size=704*384"))).toEqual([["gpu", "rtx-4090"], ["count", "5"], ["size", "704*384"]]);
  });

  it("takes booleans in any case", () => {
    expect(pairs(check("--fp8", "false", "--offload_model", "True", "--t5-cpu=FALSE", "--dit-fsdp", "TRUE"))).toEqual([
      ["fp8", "false"], ["offload_model", "True"], ["t5_cpu", "FALSE"], ["dit_fsdp", "TRUE"],
    ]);
  });

  it("reads a bare boolean flag as true, also before another flag or at the end", () => {
    expect(pairs(check("--t5-cpu", "--count", "5", "--enable-online-decode"))).toEqual([["t5_cpu", "true"], ["count", "5"], ["enable_online_decode", "true"]]);
  });

  it("reads --no-<boolean> as false", () => {
    expect(pairs(check("--no-fp8", "--no_offload_model"))).toEqual([["fp8", "false"], ["offload_model", "false"]]);
  });

  it("takes a negative number as a value, so the plan check can name it", () => {
    expect(pairs(check("--count", "-1"))).toEqual([["count", "-1"]]);
  });

  it("reads its own flags", () => {
    expect(check("--json", "--no-suggest")).toMatchObject({ json: true, suggest: false, help: false });
    expect(check("-h")).toMatchObject({ help: true });
    expect(check()).toEqual({ plans: [], image: null, json: false, suggest: true, help: false });
  });

  it.each([
    [["--bogus", "1"], "--bogus", "is not a known flag"],
    [["--num-clip"], "--num-clip", "needs a value"],
    [["--size", "--json"], "--size", "needs a value"],
    [["--fp8", "maybe"], "--fp8", 'expects true or false, got "maybe"'],
    [["--num_clip", "abc"], "--num_clip", 'expects a number, got "abc"'],
    [["--infer-frames=4.5"], "--infer-frames", "expects a whole number"],
    [["--gpu", "rtx-9999"], "--gpu", 'expects one of rtx-3090, rtx-4090'],
    [["--json=yes"], "--json", "takes no value"],
    [["--no-gpu"], "--no-gpu", "is not a known flag"],
  ])("rejects %j naming %s", (tokens, flag, message) => {
    const error = errorOf(...tokens);
    expect(error.flag).toBe(flag);
    expect(error.message).toContain(message);
    expect(formatArgError(error)).toMatch(new RegExp(`^headroom: ${flag}: `));
  });

  it("takes --image PATH (or --image=PATH) as a path to read, not a plan flag", () => {
    expect(check("--image", "me.png", "--count", "5")).toMatchObject({ image: "me.png", plans: [{ typed: "--count", raw: "5" }] });
    expect(check("--image=photos/a b.jpg").image).toBe("photos/a b.jpg");
  });

  it("takes --image-size W*H and --host-ram-gb as plan flags", () => {
    expect(pairs(check("--image-size", "1080*1920", "--host-ram-gb", "256"))).toEqual([["image_size", "1080*1920"], ["host_ram_gb", "256"]]);
  });

  it.each([
    [["--image"], "--image", "needs a value (path to a PNG, JPEG or WebP image)"],
    [["--image", "--json"], "--image", "needs a value"],
    [["--image="], "--image", "needs a value"],
    [["--image", "a.png", "--image-size", "720*400"], "--image-size", "give --image or --image-size, not both"],
    [["--image-size"], "--image-size", "needs a value (W*H)"],
  ])("rejects %j naming %s", (tokens, flag, message) => {
    expect(errorOf(...tokens)).toMatchObject({ flag, message: expect.stringContaining(message) });
  });

  it("rejects a positional argument", () => {
    expect(errorOf("rtx-4090")).toMatchObject({ flag: null, showUsage: true });
  });
});

describe("resolveCheckPlan", () => {
  it("fills the rest from the multi-GPU launch script for 5 GPUs", () => {
    const plan = planOf("--gpu", "rtx-4090", "--count", "5", "--size", "704*384", "--num-clip", "100");
    expect(plan.hardware).toMatchObject({ gpu: "rtx-4090", count: 5 });
    expect(plan.params).toMatchObject({ size: "704*384", numClip: 100, offloadModel: false, fp8: true, sampleSteps: 4 });
    expect(plan.parallel).toMatchObject({ mode: "tpp", numGpusDit: 4, enableVaeParallel: true });
  });

  it("fills the rest from the single-GPU launch script for 1 GPU", () => {
    const plan = planOf("--gpu", "a100-80gb", "--fp8", "false", "--t5-cpu");
    expect(plan.params).toMatchObject({ offloadModel: true, fp8: false, t5Cpu: true, numClip: 10000 });
    expect(plan.parallel.mode).toBe("single");
  });

  it.each([
    [["--count", "-1"], "--count", '"-1"'],
    [["--size", "704x384"], "--size", 'got "704x384"'],
    [["--num_clip=0"], "--num_clip", 'got "0"'],
  ])("names the flag as typed for %j", (tokens, flag, message) => {
    const resolved = resolveCheckPlan(check(...tokens).plans);
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    expect(resolved.error.flag).toBe(flag);
    expect(resolved.error.message).toContain(message);
  });

  it("leaves the image and host RAM null when not given, and reads them when given", () => {
    expect(planOf("--gpu", "rtx-4090")).toMatchObject({ params: { imageSize: null }, hardware: { hostRamGb: null } });
    expect(planOf("--image-size", "1080*1920", "--host-ram-gb=64")).toMatchObject({ params: { imageSize: "1080*1920" }, hardware: { hostRamGb: 64 } });
    expect(resolveCheckPlan(check("--image-size", "1080x1920").plans)).toMatchObject({ ok: false, error: { flag: "--image-size", message: expect.stringContaining('got "1080x1920"') } });
  });

  it("asks for the custom GPU's numbers", () => {
    const resolved = resolveCheckPlan(check("--gpu", "custom").plans);
    expect(resolved).toMatchObject({ ok: false, error: { flag: "--gpu" } });
  });
});
