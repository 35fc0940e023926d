// `npm start`: what Headroom runs today. The prediction engine answers for the field report's own box and
// the best single-card plan; the web playground and the GPU worker arrive with their issues.
import { execFileSync } from "node:child_process";

const run = (args) => execFileSync("npx", ["tsx", "apps/cli/src/main.ts", ...args], { stdio: "inherit" });

console.log("Headroom — will this LiveAvatar run fit these GPUs?\n");
console.log("$ headroom check --gpu rtx-4090 --count 5 --size 704*384 --num-clip 100\n");
run(["check", "--gpu", "rtx-4090", "--count", "5", "--size", "704*384", "--num-clip", "100"]);
console.log("\nTry your own plan: npm run headroom -- check --gpu <id> --count <n> [--size W*H] [--num-clip N] …");
console.log("All flags: npm run headroom -- check --help");
