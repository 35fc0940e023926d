import { createWriteStream } from "node:fs";

/** The child's whole output, both streams in arrival order, kept as the job's log artifact. */
export const createRunLog = (path: string) => {
  const stream = createWriteStream(path, { flags: "a" });
  return {
    path,
    write: (source: "stdout" | "stderr", line: string) => {
      stream.write(`${source === "stderr" ? "! " : "  "}${line}\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
};
