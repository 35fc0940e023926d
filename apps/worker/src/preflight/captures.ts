import { readFileSync } from "node:fs";

/** A committed capture's text, for tests: `capture("h200x2/query.csv")`. */
export const capture = (relativePath: string): string =>
  readFileSync(new URL(`./captures/${relativePath}`, import.meta.url), "utf8");

/** The two hosts the tests know: the captured 2 × H200 and the field report's 5 × RTX 4090 box (reconstructed). */
export const HOST_CAPTURES = {
  h200x2: () => ({
    query: capture("h200x2/query.csv"),
    topo: capture("h200x2/topo.txt"),
    memory: capture("h200x2/memory.txt"),
    meminfo: capture("h200x2/meminfo.txt"),
  }),
  rtx4090x5: () => ({
    query: capture("reconstructed/query-4090x5.reconstructed.txt"),
    topo: capture("reconstructed/topo-4090x5.reconstructed.txt"),
    memory: capture("reconstructed/memory-4090x5.reconstructed.txt"),
    meminfo: capture("reconstructed/meminfo-128g.reconstructed.txt"),
  }),
};
