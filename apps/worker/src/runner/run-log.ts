import { createWriteStream } from "node:fs";
import { hideHostPaths } from "./host-paths.ts";

/** The child's whole output, both streams in arrival order, kept as the job's log artifact (files named, their folders not). */
export const createRunLog = (path: string) => {
  const stream = createWriteStream(path, { flags: "a" });
  return {
    path,
    write: (source: "stdout" | "stderr", line: string) => {
      stream.write(`${source === "stderr" ? "! " : "  "}${hideHostPaths(line)}\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
};
