import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GIB, resolveGpu } from "@headroom/estimator";
import type { ProbeResult } from "@headroom/protocol";
import { measureChild } from "./measure-child.ts";
import { parsePayload, ProbePayload } from "./payloads.ts";
import { fail, type Task } from "./task.ts";

/**
 * The probe's argv after the interpreter (headroom_probe/cli.py). Several ranks go through torch.distributed.run
 * --standalone (a free rendezvous port per job); torch 2.x only: Debian's torch 1.13 launcher fails on Python 3.11.
 */
export const probeArgs = (job: ProbePayload, files: { script: string; plan: string; out: string }): string[] => {
  const capGib = job.capGib === undefined ? Math.floor((resolveGpu(job.plan.hardware).usableBytes / GIB) * 100) / 100 : job.capGib;
  const launcher = job.nproc > 1 ? ["-m", "torch.distributed.run", "--standalone", `--nproc_per_node=${job.nproc}`] : [];
  return [
    ...launcher,
    files.script,
    "--plan", files.plan,
    "--cap-gib", capGib === null ? "none" : String(capGib),
    "--device", job.device,
    ...(job.scale ? ["--scale", job.scale] : []),
    ...(job.steps ? ["--steps", String(job.steps)] : []),
    ...(job.blocks ? ["--blocks", String(job.blocks)] : []),
    "--out", files.out,
  ];
};

/**
 * Runs the GPU probe for a Plan and returns one result per rank. A measured out-of-memory is a
 * result (fits: false), not a failure; the probe failing to measure is.
 */
export const probeRunner: Task<ProbeResult[]> = async (payload, ctx) => {
  const job = parsePayload(ProbePayload, payload);
  const script = ctx.config.probeScript;
  if (!existsSync(script)) fail("not-installed", `the probe is not installed on this host: ${script} does not exist`);
  mkdirSync(job.outputDir, { recursive: true });
  const files = { script, plan: join(job.outputDir, "plan.json"), out: join(job.outputDir, "probe-result.json") };
  writeFileSync(files.plan, JSON.stringify(job.plan, null, 2));
  return measureChild(
    {
      instrument: "the probe",
      args: probeArgs(job, files),
      env: job.cudaDevices ? { CUDA_VISIBLE_DEVICES: job.cudaDevices.join(",") } : {},
      outFor: (results) => (job.nproc > 1 ? results.map((r) => files.out.replace(/\.json$/, `.rank${r.rank}.json`)) : [files.out]),
    },
    ctx,
  );
};
