import { readFileSync } from "node:fs";

/** A launch script reduced to what the builder must reproduce: its environment and torchrun's argv. */
export type LaunchScript = { env: Record<string, string>; args: string[] };

/** Shell words of one command line: double and single quotes, no expansion (the scripts use only $CUDA_VISIBLE_DEVICES). */
const shellWords = (line: string): string[] => {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? "");
  return words;
};

/** Reads `fixtures/upstream/<name>`: `X=Y` and `export X=Y` lines, then the `torchrun …` command after its env prefix. */
export const readUpstreamScript = (name: string): LaunchScript => {
  const text = readFileSync(new URL(`./fixtures/upstream/${name}`, import.meta.url), "utf8");
  const env: Record<string, string> = {};
  const logical = text.replace(/\\\n/g, " ").split("\n");
  let args: string[] = [];
  for (const line of logical) {
    const assignment = /^(?:export\s+)?([A-Z_]+)=(\S+)\s*$/.exec(line.trim());
    if (assignment?.[1] && assignment[2]) env[assignment[1]] = assignment[2];
    const words = shellWords(line);
    const at = words.indexOf("torchrun");
    if (at >= 0) args = words.slice(at + 1);
  }
  return { env, args };
};
