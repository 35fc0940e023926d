import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The worker's settings, read from the environment once (`parseWorkerConfig(process.env)` in the entry point). */
const WorkerEnv = z.object({
  /** A LiveAvatar checkout (Alibaba-Quark/LiveAvatar); unset: the liveavatar runner refuses with "not-installed". */
  HEADROOM_LIVEAVATAR_DIR: z.string().min(1).optional(),
  /** Wan2.2-S2V-14B weights; default `<checkout>/ckpt/Wan2.2-S2V-14B/` as the launch scripts expect. */
  HEADROOM_LIVEAVATAR_CKPT_DIR: z.string().min(1).optional(),
  /** The DMD LoRA: a Hugging Face id (needs the hub cache) or a local path. */
  HEADROOM_LIVEAVATAR_LORA: z.string().min(1).default("Quark-Vision/Live-Avatar"),
  HEADROOM_TORCHRUN: z.string().min(1).default("torchrun"),
  /** The Python that has PyTorch (Debian's python3-torch lives in /usr/bin/python3). */
  HEADROOM_PYTHON: z.string().min(1).default("python3"),
  HEADROOM_PROBE_SCRIPT: z.string().min(1).default(fileURLToPath(new URL("../python/probe.py", import.meta.url))),
  /** LiveAvatar's source prepared by scripts/prepare-upstream.sh; missing: the upstream runner refuses with "not-installed". */
  HEADROOM_UPSTREAM_DIR: z.string().min(1).default(fileURLToPath(new URL("../../../.upstream/LiveAvatar", import.meta.url))),
  /** This host's scratch folder (worker-settings.ts sets it): a job's inputs and outputs live under `<scratch>/<jobId>/`. */
  HEADROOM_SCRATCH_DIR: z.string().min(1).default(".data/worker-scratch"),
  HEADROOM_JOB_TIMEOUT_S: z.coerce.number().positive().default(6 * 3600),
  HEADROOM_CANCEL_GRACE_S: z.coerce.number().positive().default(10),
  HEADROOM_MASTER_PORT: z.coerce.number().int().min(1024).max(65535).default(29101),
});

export type WorkerConfig = {
  liveavatarDir: string | null;
  liveavatarCkptDir: string | null;
  liveavatarLora: string;
  torchrun: string;
  python: string;
  probeScript: string;
  upstreamDir: string;
  scratchDir: string;
  timeoutMs: number;
  cancelGraceMs: number;
  masterPort: number;
};

export const parseWorkerConfig = (env: Record<string, string | undefined>): WorkerConfig => {
  const e = WorkerEnv.parse(env);
  const dir = e.HEADROOM_LIVEAVATAR_DIR ?? null;
  return {
    liveavatarDir: dir,
    liveavatarCkptDir: e.HEADROOM_LIVEAVATAR_CKPT_DIR ?? (dir === null ? null : `${dir.replace(/\/$/, "")}/ckpt/Wan2.2-S2V-14B/`),
    liveavatarLora: e.HEADROOM_LIVEAVATAR_LORA,
    torchrun: e.HEADROOM_TORCHRUN,
    python: e.HEADROOM_PYTHON,
    probeScript: e.HEADROOM_PROBE_SCRIPT,
    upstreamDir: e.HEADROOM_UPSTREAM_DIR,
    scratchDir: e.HEADROOM_SCRATCH_DIR,
    timeoutMs: e.HEADROOM_JOB_TIMEOUT_S * 1000,
    cancelGraceMs: e.HEADROOM_CANCEL_GRACE_S * 1000,
    masterPort: e.HEADROOM_MASTER_PORT,
  };
};
