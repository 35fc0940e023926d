import { describe, expect, it } from "vitest";
import { observationRows, speedExplanation } from "./speed-evidence.ts";
import { FPS_OBSERVATIONS } from "./speed-observations.ts";

describe("speed evidence: every observation against its prediction, and the way from 45 FPS down to users' 6–9", () => {
  it("one row per observation, in order, each with its citation", () => {
    const rows = observationRows();
    expect(rows.map((r) => r.id)).toEqual(FPS_OBSERVATIONS.map((o) => o.id));
    for (const row of rows) expect(row.cites.length).toBeGreaterThan(0);
    expect(rows.find((r) => r.id === "issue #35")!.held).toBe(false);
  });
  it("levers and version multiply to the README's own v1.0 → v1.1 gap; users sit ~2.3× under the README at both versions", () => {
    const e = speedExplanation();
    expect(e.defaultFps).toBeCloseTo(38.5, 1);
    expect(e.readmeOverFit).toBeCloseTo(1.17, 2);
    expect(e.cudnnAttentionFactor).toBeCloseTo(1.15, 2);
    expect(e.cudnnAttentionFactor * e.restFactor).toBeCloseTo(e.notLeverFactor, 9);
    expect(e.versionFactor).toBeCloseTo(2.25, 2);
    expect(e.leverFactor * e.notLeverFactor).toBeCloseTo(e.versionFactor, 9);
    expect(e.leverFactor).toBeCloseTo(1.24, 2);
    expect(e.usersUnderReadme.v11).toBeCloseTo(2.25, 2);
    expect(e.usersUnderReadme.v10).toBeCloseTo(2.3, 1);
  });
});
