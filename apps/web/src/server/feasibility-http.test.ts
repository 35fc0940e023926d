import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { planFromQuery, planToQuery, resolvePlan } from "@headroom/estimator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../lib/check-plan.ts";
import { handleFeasibility } from "./feasibility-http.ts";

const OOM = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(handleFeasibility);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/feasibility`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("GET /api/feasibility", () => {
  it("answers the verdict and every GPU's peak for a plan given as playground flags", async () => {
    const response = await fetch(`${base}?gpu=rtx-4090&count=5&size=704*384&num_clip=100`);
    expect(response.status).toBe(200);
    const body = await response.json();
    const { estimate, verdict } = checkPlan(OOM);
    expect(body.status).toBe("out-of-memory");
    expect(body.status).toBe(verdict.status);
    expect(body.gpus).toHaveLength(5);
    expect(body.gpus.map((gpu: { peakBytes: number }) => gpu.peakBytes)).toEqual(estimate.gpus.map((gpu) => Math.round(gpu.peakBytes)));
    expect(body.gpus[0].phaseBytes[body.gpus[0].peakPhase]).toBe(body.gpus[0].peakBytes);
    expect(body.findings.map((finding: { ruleId: string }) => finding.ruleId)).toEqual(verdict.findings.map((finding) => finding.ruleId));
    // Speed keeps its point value and adds the range its error bar allows.
    expect(body.speed.fps).toBe(estimate.speed.fps);
    expect(body.speed.fpsRange).toEqual(estimate.speed.fpsRange);
    expect(body.speed.wallSecondsRange[1]).toBeGreaterThan(body.speed.wallSeconds);
    // LiveAvatar's own command for it: the multi-GPU script's, with the flags this plan changes named
    expect(body.launchCommand.script).toBe("infinite_inference_multi_gpu.sh");
    expect(body.launchCommand.text).toContain("torchrun --nproc_per_node=5");
    expect(body.launchCommand.text).toContain("--num_clip 100");
    expect(body.launchCommand.differsFromScript).toContainEqual({ flag: "--size", script: "720*400", plan: "704*384" });
  });

  it("a plan that fits but leans on fp8 under FSDP, and that a committed (stand-in) run measured out of memory, answers risky", async () => {
    const body = await (await fetch(`${base}?gpu=rtx-4090&count=5&size=704*384&num_clip=100&host_ram_gb=256&fp8=true&t5_cpu=true&dit_fsdp=true`)).json();
    expect(body.gpus.every((gpu: { marginBytes: number }) => gpu.marginBytes >= 0)).toBe(true);
    expect(body.status).toBe("risky");
    expect(body.headline).toMatch(/^Risky: fits \(.+\), but /);
    const measured = body.findings.find((finding: { ruleId: string }) => finding.ruleId === "measured/oom-of-this-plan");
    expect(measured.message).toContain("stand-in: measured in bf16, the plan asks bf16+fp8");
    expect(body.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain("source/fp8-under-fsdp");
  });

  it("returns the resolved plan, which re-parses to the same plan", async () => {
    const body = await (await fetch(`${base}?${planToQuery(OOM)}`)).json();
    const reparsed = planFromQuery(body.plan);
    expect(reparsed.ok && reparsed.plan).toEqual(OOM);
  });

  it("answers the same bytes when asked again", async () => {
    const url = `${base}?gpu=h100-sxm&count=1&num_clip=7`;
    const [first, second] = [await (await fetch(url)).text(), await (await fetch(url)).text()];
    expect(second).toBe(first);
    expect(JSON.parse(first).status).toBe(checkPlan(resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { numClip: 7 } })).verdict.status);
  });

  it("names the bad flag with a 400, never a stack trace", async () => {
    const response = await fetch(`${base}?size=big`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { class: "bad-input", field: "size", message: expect.stringMatching(/704\*384/) } });
    const unknown = await fetch(`${base}?gpus=5`);
    expect((await unknown.json()).error).toMatchObject({ field: "gpus", message: "is not a known plan field" });
  });

  it.each(["0x10", "0b11", "1e3", "%205", "%2B5", "5."])("refuses count=%s with a 400 naming the flag", async (value) => {
    const response = await fetch(`${base}?gpu=rtx-4090&count=${value}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ class: "bad-input", field: "count" });
  });

  it("refuses other methods", async () => {
    const response = await fetch(`${base}?count=1`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});
