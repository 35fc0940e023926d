import { Plan } from "@headroom/estimator";
import { z } from "zod";
import { fail } from "./task.ts";

export const LiveAvatarPayload = z.object({
  plan: Plan,
  image: z.string().min(1),
  audio: z.string().min(1),
  /** The job's stored prompt, passed as --prompt: never a default. */
  prompt: z.string().min(1),
  /** Where the video and the run's log go (the job's storage folder). */
  outputDir: z.string().min(1),
  /** GPUs for this job (from hostCanRun); default 0..n−1. */
  cudaDevices: z.array(z.number().int().min(0)).optional(),
  /** The audio's length when the upload step knows it; else read from a WAV header. */
  audioSeconds: z.number().positive().nullable().optional(),
});
export type LiveAvatarPayload = z.infer<typeof LiveAvatarPayload>;

export const ProbePayload = z.object({
  plan: Plan,
  outputDir: z.string().min(1),
  device: z.enum(["cuda", "cpu"]).default("cuda"),
  /** tiny: CPU test shapes; default: the probe's choice (full on CUDA). */
  scale: z.enum(["full", "tiny"]).optional(),
  /** Per-process memory cap; default: the usable GiB of the plan's GPU. null: uncapped. */
  capGib: z.number().positive().nullable().optional(),
  steps: z.number().int().min(1).optional(),
  blocks: z.number().int().min(1).optional(),
  /** Ranks (torchrun processes); 1 runs probe.py directly. */
  nproc: z.number().int().min(1).max(64).default(1),
  /** GPUs for this job (from hostCanRun), exposed as CUDA_VISIBLE_DEVICES; default: whatever the worker sees. */
  cudaDevices: z.array(z.number().int().min(0)).optional(),
});
export type ProbePayload = z.infer<typeof ProbePayload>;

export const UpstreamPayload = z.object({
  plan: Plan,
  outputDir: z.string().min(1),
  device: z.enum(["cuda", "cpu"]).default("cuda"),
  /** Per-process memory cap; default: the usable GiB of the plan's GPU. null: uncapped. */
  capGib: z.number().positive().nullable().optional(),
  /** Clips to run (upstream's num_clip); default 2, enough for the motion-context path. */
  clips: z.number().int().min(1).default(2),
  /** Synthetic audio length; default the plan's, else the harness's 60 s. */
  audioSeconds: z.number().positive().optional(),
  cudaDevices: z.array(z.number().int().min(0)).optional(),
});
export type UpstreamPayload = z.infer<typeof UpstreamPayload>;

/** Parses a queue payload; a malformed one is the job's bad input. */
export const parsePayload = <T>(schema: z.ZodType<T>, payload: unknown): T => {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return fail("bad-input", `payload ${issue?.path.join(".") || ""}: ${issue?.message ?? "invalid"}`);
};
