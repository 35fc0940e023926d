import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { buildInventory, type Inventory, type PreflightCaptures } from "./inventory.ts";
import { GPU_QUERY_ARGS } from "./nvidia-smi-query.ts";
import { preflightFindings, type PreflightOptions } from "./preflight-findings.ts";

export type CommandText = { stdout: string; error: string | null };
export type RunCommand = (command: string, args: string[]) => Promise<CommandText>;

const COMMAND_TIMEOUT_MS = 15_000;

/** Runs a preflight command; its stdout is kept even when it fails (nvidia-smi prints its driver errors there). */
export const runCommandText: RunCommand = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({ stdout: String(stdout ?? ""), error: error ? (code === "ENOENT" ? `${command} not found` : `${command} ${args.join(" ")}: ${error.message.split("\n")[0]}`) : null });
    });
  });

export type Collectors = { run?: RunCommand; readMeminfo?: () => Promise<string>; nvidiaSmi?: string };

/** The four preflight outputs of this host; a missing nvidia-smi gives empty GPU text and one warning. */
export const collectPreflightCaptures = async ({ run = runCommandText, readMeminfo = () => readFile("/proc/meminfo", "utf8"), nvidiaSmi = "nvidia-smi" }: Collectors = {}) => {
  const query = await run(nvidiaSmi, GPU_QUERY_ARGS);
  const missing = query.error?.endsWith("not found") === true;
  const [topo, memory] = missing ? [{ stdout: "", error: null }, { stdout: "", error: null }] : await Promise.all([run(nvidiaSmi, ["topo", "-m"]), run(nvidiaSmi, ["-q", "-d", "MEMORY"])]);
  const meminfo = await readMeminfo().catch(() => "");
  const captures: PreflightCaptures = { query: query.stdout, topo: topo.stdout, memory: memory.stdout, meminfo };
  const warnings = [query.error, topo.error, memory.error, meminfo === "" ? "/proc/meminfo unreadable" : null].filter((w): w is string => w !== null);
  return { captures, warnings };
};

/** Preflight as the worker runs it at start and on an interval: inventory and the FR-17..FR-20 findings. */
export const runPreflight = async (collectors: Collectors = {}, options: PreflightOptions = {}): Promise<{ inventory: Inventory; findings: ReturnType<typeof preflightFindings> }> => {
  const { captures, warnings } = await collectPreflightCaptures(collectors);
  const built = buildInventory(captures);
  const inventory = { ...built, warnings: [...warnings, ...built.warnings] };
  return { inventory, findings: preflightFindings(inventory, options) };
};
