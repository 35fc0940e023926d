import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { estimate } from "@headroom/estimator";
import { evaluate } from "@headroom/rules";
import type { WorkerConfig } from "../env.ts";
import { buildLiveAvatarCommand, LIVEAVATAR_ENTRY } from "../liveavatar/command.ts";
import { expectedProgress } from "../liveavatar/expected-progress.ts";
import { createLiveAvatarState, finishLiveAvatar, translateLiveAvatarLine } from "../liveavatar/translate.ts";
import { wavSeconds } from "../liveavatar/wav-seconds.ts";
import type { WorkerEvent } from "@headroom/protocol";
import { classifyFailure } from "../runner/classify-failure.ts";
import { createRunLog } from "../runner/run-log.ts";
import { runChild } from "../runner/run-child.ts";
import { LiveAvatarPayload, parsePayload } from "./payloads.ts";
import { fail, TaskFailure, type Task } from "./task.ts";

export type LiveAvatarOutcome = { video: string; log: string };

/** Where LiveAvatar and its weights are, or a not-installed failure that says what is missing — before any process starts. */
export const findLiveAvatar = (config: WorkerConfig): { checkoutDir: string; ckptDir: string } => {
  const dir = config.liveavatarDir;
  if (dir === null) return fail("not-installed", "LiveAvatar is not installed on this host: HEADROOM_LIVEAVATAR_DIR is not set");
  if (!existsSync(join(dir, LIVEAVATAR_ENTRY))) return fail("not-installed", `LiveAvatar is not installed on this host: ${join(dir, LIVEAVATAR_ENTRY)} does not exist`);
  const ckptDir = config.liveavatarCkptDir ?? join(dir, "ckpt/Wan2.2-S2V-14B/");
  if (!existsSync(ckptDir)) return fail("not-installed", `LiveAvatar's weights are not installed on this host: ${ckptDir} does not exist`);
  return { checkoutDir: dir, ckptDir };
};

/** Runs LiveAvatar itself for a Plan: the exact upstream command, its output as protocol events, the mp4 as an artifact. */
export const liveavatarRunner: Task<LiveAvatarOutcome> = async (payload, ctx) => {
  const job = parsePayload(LiveAvatarPayload, payload);
  const { checkoutDir, ckptDir } = findLiveAvatar(ctx.config);
  const { plan } = job;
  const verdict = evaluate(plan, estimate(plan));
  if (verdict.status === "invalid") fail("bad-input", verdict.headline);
  for (const input of [job.image, job.audio]) if (!existsSync(input)) fail("bad-input", `input file ${input} does not exist`);
  mkdirSync(job.outputDir, { recursive: true });
  const saveFile = join(job.outputDir, "video.mp4");
  const single = plan.parallel.mode === "single";
  const processes = single ? 1 : plan.hardware.count;
  const built = buildLiveAvatarCommand(plan, {
    checkoutDir, ckptDir, loraPath: ctx.config.liveavatarLora, image: job.image, audio: job.audio, prompt: job.prompt,
    saveFile, masterPort: ctx.config.masterPort, cudaDevices: job.cudaDevices ?? [...Array(processes).keys()], torchrun: ctx.config.torchrun,
  });
  if (!built.ok) return fail("bad-input", `${built.error.field}: ${built.error.message}`);

  const audioSeconds = job.audioSeconds ?? (await wavSeconds(job.audio));
  const state = createLiveAvatarState(expectedProgress(plan, audioSeconds), single);
  const log = createRunLog(join(job.outputDir, "liveavatar.log"));
  const kept: WorkerEvent[] = []; // phases and errors, for classifying a failure
  const report = (event: WorkerEvent) => {
    if (event.type === "phase" || event.type === "error") kept.push(event);
    ctx.report(event);
  };
  const outcome = await runChild({
    command: built.command, args: built.args, env: built.env, cwd: built.cwd,
    timeoutMs: ctx.config.timeoutMs, graceMs: ctx.config.cancelGraceMs, signal: ctx.signal,
    onEvent: report,
    parseStdoutLine: (line) => {
      log.write("stdout", line);
      return translateLiveAvatarLine(line, state, "stdout");
    },
    onStderrLine: (line) => {
      log.write("stderr", line);
      translateLiveAvatarLine(line, state, "stderr").forEach(report);
    },
  });
  await log.close();
  report({ type: "artifact", kind: "log", path: log.path });
  const saved = existsSync(state.videoPath ?? saveFile);
  finishLiveAvatar(state, { exitCode: outcome.exitCode, saveFile, saveFileExists: saved }).forEach(report);
  const failure = classifyFailure({ ...outcome, events: kept, inputPaths: [job.image, job.audio] });
  if (failure) throw new TaskFailure(failure);
  if (!saved) fail("crashed", `LiveAvatar exited cleanly but wrote no video at ${saveFile}`);
  return { video: state.videoPath ?? saveFile, log: log.path };
};
