/** The columns `nvidia-smi --query-gpu=…` is asked for, in order (nounits: memory in MiB). */
export const GPU_QUERY_FIELDS = [
  "index",
  "name",
  "memory.total",
  "memory.free",
  "memory.used",
  "driver_version",
  "pcie.link.width.current",
  "pcie.link.gen.current",
] as const;

export const GPU_QUERY_ARGS = [`--query-gpu=${GPU_QUERY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];

export type GpuQueryRow = {
  index: number;
  name: string;
  memoryTotalMiB: number;
  memoryFreeMiB: number;
  memoryUsedMiB: number;
  driverVersion: string;
  /** null where nvidia-smi prints [N/A] or [Not Supported] (some VMs and MIG setups). */
  pcieLinkWidth: number | null;
  pcieLinkGen: number | null;
};

export type GpuQuery = { gpus: GpuQueryRow[]; unparsed: string[] };

const optionalNumber = (cell: string): number | null => {
  const value = Number(cell);
  return cell === "" || cell.startsWith("[") || cell === "N/A" || !Number.isFinite(value) ? null : value;
};

const parseRow = (line: string): GpuQueryRow | null => {
  const cells = line.split(",").map((cell) => cell.trim());
  if (cells.length !== GPU_QUERY_FIELDS.length) return null;
  const [index, name, total, free, used, driver, width, gen] = cells as [string, string, string, string, string, string, string, string];
  const numbers = [index, total, free, used].map(optionalNumber);
  if (numbers.some((n) => n === null) || name === "") return null;
  const [i, t, f, u] = numbers as [number, number, number, number];
  return {
    index: i,
    name,
    memoryTotalMiB: t,
    memoryFreeMiB: f,
    memoryUsedMiB: u,
    driverVersion: driver,
    pcieLinkWidth: optionalNumber(width),
    pcieLinkGen: optionalNumber(gen),
  };
};

/** One GPU per line; lines that are not a row of the query (an error message, say) are kept in `unparsed`. */
export const parseGpuQuery = (text: string): GpuQuery => {
  const gpus: GpuQueryRow[] = [];
  const unparsed: string[] = [];
  for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
    const row = parseRow(line);
    if (row) gpus.push(row);
    else unparsed.push(line);
  }
  return { gpus, unparsed };
};
