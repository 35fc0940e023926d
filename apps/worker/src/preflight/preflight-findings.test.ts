import { describe, expect, it } from "vitest";
import { capture, HOST_CAPTURES } from "./captures.ts";
import { buildInventory, type Inventory } from "./inventory.ts";
import { preflightFindings } from "./preflight-findings.ts";

const ids = (findings: { ruleId: string; severity: string }[]) => findings.map((f) => `${f.ruleId}:${f.severity}`);

describe("preflightFindings (FR-17..FR-20)", () => {
  const h200 = buildInventory(HOST_CAPTURES.h200x2());
  const box = buildInventory(HOST_CAPTURES.rtx4090x5());

  it("passes the captured 2 × H200 host (NV18, 264 GB RAM, x16, 140 GiB free)", () => {
    expect(preflightFindings(h200)).toEqual([]);
    expect(preflightFindings(h200, { cpuOffload: true })).toEqual([]);
  });

  it("flags every check on the field report's 5 × 4090 box", () => {
    const findings = preflightFindings(box);
    // FR-17: 24,211 MiB free is 25.4 GB, under 26 GB on every card; the busy card has 2.2 GB.
    expect(findings.filter((f) => f.ruleId === "preflight/fr-17-free-vram")).toHaveLength(5);
    expect(findings.find((f) => f.path.join(".") === "gpus.2.freeBytes")?.message).toContain("2.2 GB free");
    // FR-18: GPU0 reaches every other GPU over NODE; the PHB pairs pass.
    const topology = findings.filter((f) => f.ruleId === "preflight/fr-18-topology").map((f) => f.path[1]);
    expect(topology).toEqual(["0-1", "0-2", "0-3", "0-4", "1-3", "1-4", "2-3", "2-4"]);
    // FR-19: 135 GB passes 128 GB, but not the 256 GB offload line (info while the plans are unknown).
    expect(ids(findings.filter((f) => f.ruleId === "preflight/fr-19-host-ram"))).toEqual(["preflight/fr-19-host-ram:info"]);
    // FR-20: GPU 3 at x8 (warning), GPU 4 unknown (info).
    expect(ids(findings.filter((f) => f.ruleId === "preflight/fr-20-pcie-width"))).toEqual(["preflight/fr-20-pcie-width:warning", "preflight/fr-20-pcie-width:info"]);
    expect(findings.every((f) => f.cites.length > 0 && f.fixes.length === 0)).toBe(true);
  });

  it("judges host RAM for the plans it will run (FR-19)", () => {
    expect(ids(preflightFindings(box, { cpuOffload: true }).filter((f) => f.ruleId.includes("fr-19")))).toEqual(["preflight/fr-19-host-ram:warning"]);
    expect(preflightFindings(box, { cpuOffload: false }).filter((f) => f.ruleId.includes("fr-19"))).toEqual([]);
    const small = buildInventory({ ...HOST_CAPTURES.h200x2(), meminfo: capture("reconstructed/meminfo-64g.reconstructed.txt") });
    expect(preflightFindings(small, { cpuOffload: false })[0]?.message).toBe("67.4 GB host RAM, under the field report's 128.0 GB line (OOM killer risk)");
  });

  it("says so when there is no GPU at all", () => {
    const none: Inventory = { ...h200, gpus: [], links: [] };
    expect(ids(preflightFindings(none))).toEqual(["preflight/no-gpu:error"]);
  });
});
