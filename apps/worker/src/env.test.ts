import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWorkerConfig } from "./env.ts";

describe("parseWorkerConfig", () => {
  it("has defaults that need no LiveAvatar and find the probe beside the worker", () => {
    const config = parseWorkerConfig({});
    expect(config).toMatchObject({ liveavatarDir: null, liveavatarCkptDir: null, torchrun: "torchrun", python: "python3", timeoutMs: 21_600_000, cancelGraceMs: 10_000, masterPort: 29101 });
    expect(config.probeScript.endsWith("apps/worker/python/probe.py")).toBe(true);
    expect(existsSync(config.probeScript)).toBe(true);
  });

  it("puts the weights where the launch scripts expect them unless told otherwise", () => {
    expect(parseWorkerConfig({ HEADROOM_LIVEAVATAR_DIR: "/opt/LiveAvatar/" }).liveavatarCkptDir).toBe("/opt/LiveAvatar/ckpt/Wan2.2-S2V-14B/");
    expect(parseWorkerConfig({ HEADROOM_LIVEAVATAR_DIR: "/opt/LA", HEADROOM_LIVEAVATAR_CKPT_DIR: "/w" }).liveavatarCkptDir).toBe("/w");
  });

  it("refuses a malformed number", () => {
    expect(() => parseWorkerConfig({ HEADROOM_MASTER_PORT: "http" })).toThrow();
  });
});
