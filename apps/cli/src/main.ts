// `headroom` entry point: process glue only (argv, streams, exit code); the work is in run-cli.ts.
export {};

const EXIT_UNEXPECTED = 1;

const fail = (error: unknown): void => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`headroom: unexpected error: ${message.split("\n")[0]}\n`);
  process.exitCode = EXIT_UNEXPECTED;
};

// A closed pipe (`headroom check | head`) is not an error worth a message.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  fail(error);
});

try {
  // Imported here so that even a module that fails to load ends in one line, not a stack trace.
  const { runCli } = await import("./run-cli.ts");
  const { readMeasurements } = await import("./read-measurements.ts");
  const { readFileHead } = await import("./read-file-head.ts");
  process.exitCode = runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    readMeasurements,
    readFileHead,
  });
} catch (error) {
  fail(error);
}
