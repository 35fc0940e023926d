import { extname, join } from "node:path";
import { getAssets, type DbClient, type JobDto } from "@headroom/db";
import type { WorkerConfig } from "../env.ts";
import { hostCanRun } from "../preflight/gpu-match.ts";
import { findLiveAvatar } from "../tasks/liveavatar-runner.ts";
import type { LiveAvatarPayload, ProbePayload, UpstreamPayload } from "../tasks/payloads.ts";
import { fail } from "../tasks/task.ts";
import type { WebFiles } from "../transfer/web-files.ts";
import type { HostProfile } from "./host-profile.ts";

/** Where a job's files go on this host: `<scratch>/<jobId>/` (inputs under `inputs/`). */
export const jobDir = (scratchDir: string, jobId: string): string => join(scratchDir, jobId);

/** The GPUs this host gives the plan (the queue guarantees they exist; a mismatch is refused, never oversubscribed). */
const gpusFor = (job: JobDto, host: HostProfile): number[] => {
  const fit = hostCanRun(host.inventory, job.plan);
  return fit.ok ? fit.gpus : fail("not-installed", `this host cannot run the plan: ${fit.reason}`);
};

export const probePayload = (job: JobDto, host: HostProfile, scratchDir: string, scale: "full" | "tiny" | null): ProbePayload => {
  const onGpu = host.device === "cuda";
  const gpus = onGpu ? gpusFor(job, host) : [];
  const chosen = scale ?? (onGpu ? null : "tiny");
  return {
    plan: job.plan,
    outputDir: jobDir(scratchDir, job.id),
    device: host.device,
    ...(chosen && { scale: chosen }),
    // several ranks only on GPUs: Debian's CPU torch 1.13 cannot launch them
    nproc: onGpu ? gpus.length : 1,
    ...(onGpu && { cudaDevices: gpus }),
  };
};

/** The upstream harness runs one process on one GPU (the single-GPU path); on a CPU host it only checks the plumbing. */
export const upstreamPayload = (job: JobDto, host: HostProfile, scratchDir: string): UpstreamPayload => {
  const gpus = host.device === "cuda" ? gpusFor(job, host).slice(0, 1) : [];
  return { plan: job.plan, outputDir: jobDir(scratchDir, job.id), device: host.device, clips: 2, ...(gpus.length > 0 && { cudaDevices: gpus }) };
};

/** LiveAvatar's inputs are the job's image and audio assets, downloaded from the web into this host's scratch folder. */
export const liveavatarPayload = async (db: DbClient, job: JobDto, host: HostProfile, config: WorkerConfig, files: WebFiles): Promise<LiveAvatarPayload> => {
  findLiveAvatar(config); // "not installed on this host" before anything else is looked at
  const assets = await getAssets(db, { teamId: job.teamId, ids: job.inputAssetIds }).catch(() => fail("bad-input", "an input asset of this job is gone"));
  const image = assets.find((asset) => asset.kind === "image");
  const audio = assets.find((asset) => asset.kind === "audio");
  if (!image || !audio) return fail("bad-input", "a LiveAvatar job needs an image and an audio input");
  if (job.prompt === null) return fail("bad-input", "this LiveAvatar job has no prompt (it was submitted before jobs stored one): submit it again with a prompt");
  const cudaDevices = gpusFor(job, host);
  const outputDir = jobDir(config.scratchDir, job.id);
  const local = async (asset: typeof image) => {
    const dest = join(outputDir, "inputs", `${asset.id}${extname(asset.storagePath)}`);
    await files.downloadInput(job.id, asset, dest);
    return dest;
  };
  return {
    plan: job.plan,
    image: await local(image),
    audio: await local(audio),
    prompt: job.prompt,
    outputDir,
    cudaDevices,
    audioSeconds: audio.durationSeconds,
  };
};
