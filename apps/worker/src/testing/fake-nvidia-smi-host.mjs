/* global process, URL */
// Test stand-in for a whole GPU host's `nvidia-smi`, for a worker run as a real process (the e2e's simulated GPU
// host): preflight's three queries answer with the committed 2 × H200 capture (as worker-test-support's h200Host
// does in-process), and `-lms` streams VRAM like the sampler's own fixture.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const capture = (file) => readFileSync(new URL(`../preflight/captures/h200x2/${file}`, import.meta.url), "utf8");

if (args.includes("-lms")) await import("../vram/fixtures/fake-nvidia-smi.mjs");
else process.stdout.write(capture(args[0] === "topo" ? "topo.txt" : args[0] === "-q" ? "memory.txt" : "query.csv"));
