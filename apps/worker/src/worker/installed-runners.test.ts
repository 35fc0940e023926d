import { describe, expect, it } from "vitest";
import { parseWorkerConfig } from "../env.ts";
import { installedRunners, userFacingNotInstalled } from "./installed-runners.ts";

describe("installedRunners", () => {
  it("reports the probe shipped with the worker and, as host findings in the operator's words, what the others lack", () => {
    const found = installedRunners(parseWorkerConfig({ HEADROOM_UPSTREAM_DIR: "/nowhere/LiveAvatar" }));
    expect(found.runners).toEqual(["probe"]);
    expect(found.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ["host/liveavatar-not-installed", "info", "LiveAvatar is not installed on this host: HEADROOM_LIVEAVATAR_DIR is not set"],
      ["host/upstream-not-installed", "info", "LiveAvatar's source is not prepared on this host: /nowhere/LiveAvatar (run scripts/prepare-upstream.sh)"],
    ]);
  });
  it("finds nothing installed where the probe script is gone", () => {
    const found = installedRunners(parseWorkerConfig({ HEADROOM_PROBE_SCRIPT: "/nowhere/probe.py", HEADROOM_UPSTREAM_DIR: "/nowhere/LiveAvatar" }));
    expect(found.runners).toEqual([]);
    expect(found.findings.map((f) => f.message)).toContain("the probe is not installed on this host: /nowhere/probe.py does not exist");
  });
});

describe("userFacingNotInstalled", () => {
  it.each(["liveavatar", "probe", "upstream"] as const)("tells a %s user whom to ask, without paths or settings", (runner) => {
    const message = userFacingNotInstalled(runner);
    expect(message).toMatch(/ask your admin/);
    expect(message).not.toMatch(/HEADROOM_|\/|\.py|\benv\b/);
  });
});
