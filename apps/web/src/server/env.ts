// The web app's settings, parsed once; nothing else in apps/web reads process.env.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

/** The monorepo root: the nearest folder upwards whose package.json declares workspaces. */
const findRepoRoot = (from: string): string => {
  let dir = resolve(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && "workspaces" in JSON.parse(readFileSync(manifest, "utf8"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
};

export const REPO_ROOT = findRepoRoot(process.cwd());

const Env = z.object({
  /** Uploads and job artifacts; workers reach them only over HTTP (/api/worker/..., server/worker-api). */
  STORAGE_DIR: z.string().min(1).default(join(REPO_ROOT, "storage")),
  /** better-auth's signing secret; without one a local secret is generated once into <repo>/.data. */
  BETTER_AUTH_SECRET: z.string().min(32).optional(),
  BETTER_AUTH_URL: z.url().optional(),
  MAX_IMAGE_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(4096 * 4096),
  MAX_AUDIO_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  MAX_AUDIO_SECONDS: z.coerce.number().positive().default(600),
});
export type Env = z.infer<typeof Env>;

export const env: Env = Env.parse({
  STORAGE_DIR: process.env.HEADROOM_STORAGE_DIR || process.env.STORAGE_DIR || undefined,
  BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET || undefined,
  BETTER_AUTH_URL: process.env.BETTER_AUTH_URL || undefined,
  MAX_IMAGE_BYTES: process.env.MAX_IMAGE_BYTES || undefined,
  MAX_IMAGE_PIXELS: process.env.MAX_IMAGE_PIXELS || undefined,
  MAX_AUDIO_BYTES: process.env.MAX_AUDIO_BYTES || undefined,
  MAX_AUDIO_SECONDS: process.env.MAX_AUDIO_SECONDS || undefined,
});
