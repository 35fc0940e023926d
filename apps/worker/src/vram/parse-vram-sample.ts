/** One line of `nvidia-smi --query-gpu=index,memory.used --format=csv,noheader,nounits`: `0, 22080` (MiB). */
export type VramReading = { gpu: number; usedMiB: number };

export const VRAM_QUERY_ARGS = ["--query-gpu=index,memory.used", "--format=csv,noheader,nounits"];

export const parseVramSample = (line: string): VramReading | null => {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(line);
  return match ? { gpu: Number(match[1]), usedMiB: Number(match[2]) } : null;
};
