import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startVramSampler, type VramSample } from "./vram-sampler.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake-nvidia-smi.mjs", import.meta.url));

/** An executable `nvidia-smi` that runs the fixture, with extra environment. */
const fakeNvidiaSmi = (env = "") => {
  const path = join(mkdtempSync(join(tmpdir(), "smi-")), "nvidia-smi");
  writeFileSync(path, `#!/bin/sh\n${env} exec '${process.execPath}' '${FAKE}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
};

describe("startVramSampler", () => {
  it("streams samples from one long-lived nvidia-smi and keeps each GPU's peak", async () => {
    const samples: VramSample[] = [];
    const warnings: string[] = [];
    let clock = 0;
    let enough = () => {};
    const sixSamples = new Promise<void>((resolve) => (enough = resolve));
    const onSample = (sample: VramSample) => {
      samples.push(sample);
      if (samples.length === 6) enough();
    };
    const sampler = startVramSampler({ intervalMs: 50, command: fakeNvidiaSmi(), onSample, onWarning: (w) => warnings.push(w), now: () => (clock += 1) });
    await sixSamples;
    await sampler.stop();
    expect(warnings).toEqual([]);
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(samples.slice(0, 2)).toEqual([{ gpu: 0, usedMiB: 1500, t: 1 }, { gpu: 1, usedMiB: 750, t: 2 }]);
    const last0 = samples.filter((s) => s.gpu === 0).at(-1)?.usedMiB;
    expect(sampler.peakMiB()).toEqual({ 0: last0, 1: (last0 ?? 0) / 2 });
  });

  it("gives no samples and one warning where nvidia-smi is missing", async () => {
    const samples: VramSample[] = [];
    const warnings: string[] = [];
    const sampler = startVramSampler({ command: "/nonexistent/nvidia-smi", onSample: (s) => samples.push(s), onWarning: (w) => warnings.push(w) });
    await sampler.stop();
    expect(samples).toEqual([]);
    expect(warnings).toEqual(["/nonexistent/nvidia-smi not found: no VRAM samples"]);
    expect(sampler.peakMiB()).toEqual({});
  });

  it("gives one warning where nvidia-smi cannot reach the driver", async () => {
    const warnings: string[] = [];
    const sampler = startVramSampler({ command: fakeNvidiaSmi("FAKE_SMI_FAIL=1"), onSample: () => {}, onWarning: (w) => warnings.push(w) });
    await sampler.done;
    expect(warnings).toEqual([expect.stringMatching(/^nvidia-smi: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/)]);
  });
});
