export type HostMemory = { totalBytes: number; availableBytes: number };

const KIB = 1024;

const field = (text: string, name: string): number | null => {
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB\\s*$`, "m").exec(text);
  return match ? Number(match[1]) * KIB : null;
};

/** /proc/meminfo's MemTotal and MemAvailable (kernels before 3.14 lack MemAvailable: MemFree stands in). */
export const parseMeminfo = (text: string): HostMemory | null => {
  const totalBytes = field(text, "MemTotal");
  const availableBytes = field(text, "MemAvailable") ?? field(text, "MemFree");
  return totalBytes === null || availableBytes === null ? null : { totalBytes, availableBytes };
};
