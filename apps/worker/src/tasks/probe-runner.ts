import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GIB, resolveGpu } from "@headroom/estimator";
import type { WorkerEvent } from "../protocol/events.ts";
import { ProbeResult } from "../protocol/probe-result.ts";
import { classifyFailure } from "../runner/classify-failure.ts";
import { runChild } from "../runner/run-child.ts";
import { parsePayload, ProbePayload } from "./payloads.ts";
import { fail, TaskFailure, type Task } from "./task.ts";

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
  const results: ProbeResult[] = [];
  const kept: WorkerEvent[] = [];
  const outcome = await runChild({
    command: ctx.config.python,
    args: probeArgs(job, files),
    env: { PYTHONUNBUFFERED: "1", ...(job.cudaDevices ? { CUDA_VISIBLE_DEVICES: job.cudaDevices.join(",") } : {}) },
    timeoutMs: ctx.config.timeoutMs,
    graceMs: ctx.config.cancelGraceMs,
    signal: ctx.signal,
    onEvent: (event) => {
      if (event.type === "result") {
        const parsed = ProbeResult.safeParse(event);
        if (parsed.success) results.push(parsed.data);
        else ctx.report({ type: "log", level: "warning", message: `unreadable probe result: ${parsed.error.issues[0]?.message}` });
      }
      if (event.type === "phase" || event.type === "error") kept.push(event);
      ctx.report(event);
    },
  });
  const measured = results.length > 0 && results.every((r) => r.fits !== null);
  // One rank's measured OOM ends the others through torchrun: the exit code is then not the answer.
  if (!outcome.cancelled && !outcome.timedOut && measured && (outcome.exitCode === 0 || results.some((r) => r.fits === false))) {
    const outs = job.nproc > 1 ? results.map((r) => files.out.replace(/\.json$/, `.rank${r.rank}.json`)) : [files.out];
    outs.filter((path) => existsSync(path)).forEach((path) => ctx.report({ type: "artifact", kind: "measurement", path }));
    return results.sort((a, b) => a.rank - b.rank);
  }
  const failure = classifyFailure({ ...outcome, events: kept });
  const crashed = results.find((r) => r.fits === null);
  throw new TaskFailure(failure ?? { errorClass: "crashed", message: crashed?.error?.split("\n").filter(Boolean).at(-1) ?? "the probe reported no result" });
};
