import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { GIB, resolveGpu } from "@headroom/estimator";
import type { ProbeResult } from "@headroom/protocol";
import { measureChild } from "./measure-child.ts";
import { parsePayload, UpstreamPayload } from "./payloads.ts";
import { fail, type Task } from "./task.ts";

const onOff = (on: boolean) => (on ? "on" : "off");

/** The harness's argv after the interpreter (headroom_upstream/cli.py): the plan's levers on upstream's single-GPU path. */
export const upstreamArgs = (job: UpstreamPayload, files: { upstreamDir: string; out: string }): string[] => {
  const { params } = job.plan;
  const capGib = job.capGib === undefined ? Math.floor((resolveGpu(job.plan.hardware).usableBytes / GIB) * 100) / 100 : job.capGib;
  const audioSeconds = job.audioSeconds ?? params.audioSeconds ?? undefined;
  return [
    "-m", "headroom_upstream",
    "--upstream-dir", files.upstreamDir,
    "--cap-gib", capGib === null ? "none" : String(capGib),
    "--device", job.device,
    "--size", params.size,
    "--infer-frames", String(params.inferFrames),
    "--steps", String(params.sampleSteps),
    "--clips", String(Math.min(job.clips, params.numClip)),
    "--fp8", onOff(params.fp8),
    "--compile", onOff(params.enableCompile),
    ...(params.offloadKvCache ? ["--offload-kv-cache"] : []),
    ...(params.t5Cpu ? ["--t5-cpu"] : []),
    ...(audioSeconds ? ["--audio-seconds", String(audioSeconds)] : []),
    "--out", files.out,
  ];
};

/**
 * Runs LiveAvatar's own single-GPU pipeline with random weights (apps/worker/python/headroom_upstream) for a Plan:
 * the same protocol and result as the probe, from upstream's code. Needs the prepared checkout on this host.
 */
export const upstreamRunner: Task<ProbeResult[]> = async (payload, ctx) => {
  const job = parsePayload(UpstreamPayload, payload);
  const { upstreamDir, probeScript } = ctx.config;
  if (!existsSync(join(upstreamDir, "minimal_inference", "s2v_streaming_interact.py"))) {
    fail("not-installed", `LiveAvatar's source is not prepared on this host: ${upstreamDir} (run scripts/prepare-upstream.sh)`);
  }
  const { plan } = job;
  if (plan.parallel.mode !== "single") fail("bad-input", `the upstream harness runs the single-GPU path only, not ${plan.parallel.mode}`);
  if (plan.params.sampleGuideScale !== 0 || plan.params.enableOnlineDecode || !plan.params.offloadModel || !plan.params.loadLora) {
    fail("bad-input", "the upstream harness runs the single-GPU script's flags (guide 0, offload_model, load_lora, offline decode)");
  }
  mkdirSync(job.outputDir, { recursive: true });
  const out = join(job.outputDir, "upstream-result.json");
  return measureChild(
    {
      instrument: "the upstream harness",
      args: upstreamArgs(job, { upstreamDir, out }),
      // the harness package sits beside the probe (apps/worker/python)
      cwd: dirname(probeScript),
      env: job.cudaDevices ? { CUDA_VISIBLE_DEVICES: job.cudaDevices.join(",") } : {},
      outFor: () => [out],
    },
    ctx,
  );
};
