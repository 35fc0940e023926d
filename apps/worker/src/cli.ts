// `npm run worker -- --web-url https://headroom.example --database-url postgres://… --token hrt_…`: a GPU host joins
// with one command. Each flag sets the environment variable main.ts reads (named beside it); the rest stays as set.
import { parseArgs } from "node:util";

const FLAGS = {
  "web-url": "HEADROOM_WEB_URL",
  "database-url": "DATABASE_URL",
  token: "HEADROOM_HOST_TOKEN",
  name: "WORKER_NAME",
  scratch: "HEADROOM_SCRATCH_DIR",
  liveavatar: "LIVEAVATAR_DIR",
} as const;

const { values } = parseArgs({
  options: { ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" }])), help: { type: "boolean" } } as Record<string, { type: "string" | "boolean" }>,
  strict: true,
});
if (values.help) {
  console.log(`npm run worker -- ${Object.entries(FLAGS).map(([flag, name]) => `[--${flag} … (${name})]`).join(" ")}`);
  process.exit(0);
}
for (const [flag, name] of Object.entries(FLAGS)) {
  const value = values[flag];
  if (typeof value === "string") process.env[name] = value;
}
// @headroom/db reads DATABASE_URL when it is first imported: only after the flags are in the environment
await import("./main.ts");
