// `prisma generate` without network: Prisma checks for its schema-engine binary at start-up and
// tries to download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that
// (generate never runs the schema engine). `--if-missing` regenerates only when the client is
// absent or older than the schema. A lock keeps concurrent turbo tasks from writing at once.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schema = join(root, "prisma/schema.prisma");
const marker = join(root, "src/generated/prisma/client.ts");
const lock = join(root, "src/generated/.lock");
const ifMissing = process.argv.includes("--if-missing");

const upToDate = () => existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const acquire = () => {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // a lock older than two minutes belongs to a run that died
      if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      sleep(200);
    }
  }
};

if (ifMissing && upToDate()) process.exit(0);
acquire();
try {
  if (!(ifMissing && upToDate())) {
    const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
    execFileSync(process.execPath, [cli, "generate"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
        PRISMA_GENERATE_SKIP_AUTOINSTALL: "1",
      },
    });
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
