import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCRATCH_DIR, parseWorkerSettings } from "./worker-settings.ts";

describe("parseWorkerSettings", () => {
  it("defaults to the hostname, <repo>/.data/worker-scratch, the loopback web and production clocks, with the device chosen by preflight", () => {
    const { settings, config } = parseWorkerSettings({});
    expect(settings).toEqual({
      name: hostname(), scratchDir: DEFAULT_SCRATCH_DIR, webUrl: "http://127.0.0.1:3000", hostToken: null, probeDevice: null, probeScale: null, pollMs: 1000, cancelPollMs: 1000,
      heartbeatMs: 15_000, lostAfterMs: 120_000, sweepMs: 30_000, preflightMs: 600_000, shutdownGraceMs: 20_000,
    });
    expect(DEFAULT_SCRATCH_DIR.endsWith("/.data/worker-scratch")).toBe(true);
    expect(config).toMatchObject({ scratchDir: DEFAULT_SCRATCH_DIR, liveavatarDir: null });
  });

  it("reads the brief's names and hands the scratch folder and the LiveAvatar checkout to the tasks' config", () => {
    const { settings, config } = parseWorkerSettings({
      WORKER_NAME: "gpu-7", HEADROOM_SCRATCH_DIR: "/srv/headroom", HEADROOM_WEB_URL: "https://headroom.example", HEADROOM_HOST_TOKEN: "hrt_x", LIVEAVATAR_DIR: "/opt/LiveAvatar", PROBE_DEVICE: "cpu", PROBE_SCALE: "tiny",
      HEADROOM_LOST_AFTER_S: "3", HEADROOM_PYTHON: "/usr/bin/python3",
    });
    expect(settings).toMatchObject({ name: "gpu-7", scratchDir: "/srv/headroom", webUrl: "https://headroom.example", hostToken: "hrt_x", probeDevice: "cpu", probeScale: "tiny", lostAfterMs: 3000 });
    expect(config).toMatchObject({ scratchDir: "/srv/headroom", liveavatarDir: "/opt/LiveAvatar", liveavatarCkptDir: "/opt/LiveAvatar/ckpt/Wan2.2-S2V-14B/", python: "/usr/bin/python3" });
  });

  it("takes an empty variable as unset and refuses a device it does not know", () => {
    expect(parseWorkerSettings({ PROBE_DEVICE: "", WORKER_NAME: "" }).settings).toMatchObject({ probeDevice: null, name: hostname() });
    expect(() => parseWorkerSettings({ PROBE_DEVICE: "rocm" })).toThrow();
  });
});
