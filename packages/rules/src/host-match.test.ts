import { GIB, resolvePlan, type Plan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { gpusForPlan, matchHosts, noHostMessage, type HostCapacity, type MatchableHost } from "./host-match.ts";

// nvidia-smi's totals for the cards (apps/worker/src/preflight/captures: H200 143771 MiB; RTX 4090 24564 MiB).
const gpu = (index: number, totalMib: number) => ({ index, totalBytes: totalMib * 2 ** 20, reservedBytes: null as number | null });
const inventory = (gpus: HostCapacity["gpus"], extra: Partial<HostCapacity> = {}): HostCapacity => ({ gpus, ...extra });
const host = (name: string, inv: HostCapacity, isOnline = true): MatchableHost => ({ id: name, name, isOnline, inventory: inv });

const h200x2 = host("h200-box", inventory([gpu(0, 143_771), gpu(1, 143_771)], { device: "cuda", runners: ["probe", "upstream"] }));
const rtx4090x5 = host("4090-box", inventory([0, 1, 2, 3, 4].map((i) => gpu(i, 24_564)), { device: "cuda", runners: ["probe", "liveavatar"] }));
const cpu = host("laptop", inventory([], { device: "cpu", runners: ["probe"] }));

const plan = (gpuId: "rtx-4090" | "h200", count: number): Plan => resolvePlan({ hardware: { gpu: gpuId, count } });

describe("gpusForPlan", () => {
  it("takes larger cards for a smaller plan GPU, and no fewer than the plan's count", () => {
    expect(gpusForPlan(h200x2.inventory, plan("rtx-4090", 2))).toEqual({ ok: true, gpus: [0, 1] });
    expect(gpusForPlan(h200x2.inventory, plan("rtx-4090", 5))).toEqual({ ok: false, reason: "the plan needs 5 GPUs; this host has 2" });
  });
  it("refuses cards smaller than the plan's GPU", () => {
    const fit = gpusForPlan(rtx4090x5.inventory, plan("h200", 1));
    expect(fit.ok).toBe(false);
    expect(!fit.ok && fit.reason).toMatch(/of at least 1\d\d\.\d\d GiB; this host has 0$/);
  });
  it("counts a card whose own report sits a fraction under the catalog size (driver-reserved memory subtracted)", () => {
    const reserved = inventory([{ ...gpu(0, 24_564), reservedBytes: 2 * GIB }]);
    expect(gpusForPlan(reserved, plan("rtx-4090", 1)).ok).toBe(false);
    expect(gpusForPlan(inventory([gpu(0, 24_564)]), plan("rtx-4090", 1)).ok).toBe(true);
  });
});

describe("matchHosts", () => {
  it("offers only hosts with the runner installed and GPUs for the plan", () => {
    const match = matchHosts([h200x2, rtx4090x5, cpu], plan("rtx-4090", 5), "liveavatar");
    expect(match.able.map((fit) => [fit.host.name, fit.gpus])).toEqual([["4090-box", [0, 1, 2, 3, 4]]]);
    expect(Object.fromEntries(match.unable.map((miss) => [miss.host.name, miss.reason]))).toEqual({
      "h200-box": "LiveAvatar is not installed there",
      laptop: "LiveAvatar is not installed there",
    });
  });
  it("lets a CPU host take a probe as a smoke run, after every real GPU host", () => {
    const match = matchHosts([cpu, h200x2], plan("rtx-4090", 2), "probe");
    expect(match.able.map((fit) => [fit.host.name, fit.isSmokeRun])).toEqual([["h200-box", false], ["laptop", true]]);
  });
  it("never sends LiveAvatar to a CPU host, even one that reports no runners (an older worker)", () => {
    const old = host("old", inventory([]));
    expect(matchHosts([old], plan("rtx-4090", 1), "liveavatar").unable).toEqual([{ host: old, reason: "it has no GPU" }]);
    expect(matchHosts([old], plan("rtx-4090", 1), "probe").able).toHaveLength(1);
  });
  it("skips a host whose token does not name the submitting team, saying so", () => {
    const elsewhere = { ...rtx4090x5, servesYourTeam: false };
    const match = matchHosts([elsewhere, { ...cpu, servesYourTeam: true }], plan("rtx-4090", 5), "probe");
    expect(match.able.map((fit) => fit.host.name)).toEqual(["laptop"]);
    expect(match.unable).toEqual([{ host: elsewhere, reason: "its host token does not name your team" }]);
  });
  it("skips offline hosts however well they fit", () => {
    const offline = { ...rtx4090x5, isOnline: false };
    const match = matchHosts([offline], plan("rtx-4090", 5), "liveavatar");
    expect(match.able).toEqual([]);
    expect(noHostMessage(match, plan("rtx-4090", 5), "liveavatar")).toBe("No online host can run 5 × RTX 4090 (23.65 GiB usable each) with LiveAvatar (no host is online).");
  });
  it("says host by host what is missing", () => {
    const p = plan("rtx-4090", 5);
    expect(noHostMessage(matchHosts([h200x2, cpu], p, "liveavatar"), p, "liveavatar")).toBe(
      "No online host can run 5 × RTX 4090 (23.65 GiB usable each) with LiveAvatar (h200-box: LiveAvatar is not installed there; laptop: LiveAvatar is not installed there).",
    );
  });
});
