// Installs dependencies when a fresh clone (or a changed lockfile) needs them, so `npm start`
// and `npm test` work as the first command anyone runs.
import { existsSync, statSync } from "node:fs";
import { execSync } from "node:child_process";

const marker = "node_modules/.package-lock.json";
const stale =
  !existsSync(marker) ||
  (existsSync("package-lock.json") && statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs + 1000);

if (stale) {
  console.log("headroom: installing dependencies (npm install)…");
  execSync("npm install --no-audit --no-fund", {
    stdio: "inherit",
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });
}

// The Prisma client is generated, not committed: every entry point needs it before importing @headroom/db.
if (!existsSync("packages/db/src/generated/prisma/client.ts")) {
  execSync("node packages/db/scripts/generate.mjs --if-missing", { stdio: ["ignore", "ignore", "inherit"] });
}
