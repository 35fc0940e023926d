/** One GPU's section of `nvidia-smi -q -d MEMORY`; memory in MiB as printed. */
export type GpuMemoryReport = {
  busId: string;
  totalMiB: number;
  /** Held back by the driver (FR-25's "reserved"); drivers before R525 do not print it. */
  reservedMiB: number | null;
  usedMiB: number;
  freeMiB: number;
};

export type MemoryReport = { driverVersion: string | null; cudaVersion: string | null; gpus: GpuMemoryReport[] };

const KEY_VALUE = /^(\s*)([^:]+?)\s*:\s*(.*)$/;

const mib = (value: string | undefined): number | null => {
  const match = /^(\d+)\s*MiB$/.exec(value?.trim() ?? "");
  return match ? Number(match[1]) : null;
};

const headerValue = (text: string, key: string): string | null => {
  const match = new RegExp(`^${key}\\s*:\\s*(.+)$`, "m").exec(text);
  const value = match?.[1]?.trim();
  return value && !value.startsWith("N/A") ? value : null;
};

/** Reads the "FB Memory Usage" block of every `GPU <bus id>` section; BAR1 and protected memory are skipped. */
export const parseMemoryReport = (text: string): MemoryReport => {
  const gpus: GpuMemoryReport[] = [];
  let busId: string | null = null;
  let inFb = false;
  let fb: Record<string, string> = {};
  const flush = () => {
    if (busId === null) return;
    const total = mib(fb["Total"]);
    const used = mib(fb["Used"]);
    const free = mib(fb["Free"]);
    if (total !== null && used !== null && free !== null) {
      gpus.push({ busId, totalMiB: total, reservedMiB: mib(fb["Reserved"]), usedMiB: used, freeMiB: free });
    }
  };
  for (const line of text.split("\n")) {
    const gpu = /^GPU\s+([0-9A-Fa-f:.]+)\s*$/.exec(line);
    if (gpu) {
      flush();
      busId = gpu[1] ?? null;
      fb = {};
      inFb = false;
      continue;
    }
    if (busId === null) continue;
    const trimmed = line.trim();
    if (!line.includes(":") && trimmed !== "") {
      inFb = trimmed === "FB Memory Usage"; // a block title such as "BAR1 Memory Usage" ends it
      continue;
    }
    const kv = KEY_VALUE.exec(line);
    if (inFb && kv?.[2] && kv[3] !== undefined) fb[kv[2].trim()] = kv[3];
  }
  flush();
  return { driverVersion: headerValue(text, "Driver Version"), cudaVersion: headerValue(text, "CUDA Version"), gpus };
};
