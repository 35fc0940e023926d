import { fileURLToPath } from "node:url";
import { z } from "zod";

/** `<repo>/.data/postgres`: gitignored, survives restarts. */
export const DEFAULT_POSTGRES_DIR = fileURLToPath(new URL("../../../.data/postgres", import.meta.url));

const Env = z.object({
  /** An external PostgreSQL; when set, the embedded server is not started. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Where the embedded server keeps its cluster. */
  HEADROOM_POSTGRES_DIR: z.string().min(1).default(DEFAULT_POSTGRES_DIR),
});
export type Env = z.infer<typeof Env>;

// Parsed once; nothing else in this package reads process.env.
export const env: Env = Env.parse({
  DATABASE_URL: process.env.DATABASE_URL || undefined,
  HEADROOM_POSTGRES_DIR: process.env.HEADROOM_POSTGRES_DIR || undefined,
});
