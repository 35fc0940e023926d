/** The link kinds of `nvidia-smi topo -m`, best first (the legend's order); the Plan's `gpuTopology` uses the same names. */
export const LINK_KINDS = ["NV", "PIX", "PXB", "PHB", "NODE", "SYS"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export type GpuLink = {
  a: number;
  b: number;
  kind: LinkKind;
  /** The cell as printed, e.g. "NV18" or "PHB". */
  label: string;
  /** Bonded NVLinks for NV#, else null. */
  nvlinks: number | null;
};

export type Topology = { gpus: number[]; links: GpuLink[] };

/** 0 is best (NVLink); a larger rank crosses more of the machine. */
export const linkRank = (kind: LinkKind): number => LINK_KINDS.indexOf(kind);

// The header row is underlined with ANSI escapes on a terminal and, as captured, in a pipe too.
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, "g");

const parseCell = (cell: string): Omit<GpuLink, "a" | "b"> | null => {
  const nv = /^NV(\d+)$/.exec(cell);
  if (nv) return { kind: "NV", label: cell, nvlinks: Number(nv[1]) };
  if (cell === "SOC") return { kind: "SYS", label: cell, nvlinks: null }; // drivers before 384 said SOC
  return (LINK_KINDS as readonly string[]).includes(cell) ? { kind: cell as LinkKind, label: cell, nvlinks: null } : null;
};

const gpuIndex = (name: string): number | null => {
  const match = /^GPU(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
};

/** The GPU×GPU part of the matrix, as one link per unordered pair (a < b); NIC rows and columns are left out. */
export const parseTopology = (text: string): Topology => {
  const lines = text.replace(ANSI, "").split("\n");
  const cellsOf = (line: string): string[] => line.split("\t").map((cell) => cell.trim());
  const headerAt = lines.findIndex((line) => {
    const cells = cellsOf(line);
    return cells[0] === "" && cells[1] === "GPU0";
  });
  if (headerAt < 0) return { gpus: [], links: [] };
  const gpuColumns = cellsOf(lines[headerAt] ?? "").slice(1).map(gpuIndex);
  const gpus: number[] = [];
  const links: GpuLink[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    const cells = cellsOf(line);
    const row = gpuIndex(cells[0] ?? "");
    if (row === null) {
      if (line.trim() === "" && gpus.length > 0) break; // the legend follows the matrix
      continue;
    }
    gpus.push(row);
    cells.slice(1).forEach((cell, i) => {
      const col = gpuColumns[i];
      if (col === null || col === undefined || col <= row) return;
      const link = parseCell(cell);
      if (link) links.push({ a: row, b: col, ...link });
    });
  }
  return { gpus, links };
};

/** The link between two GPUs in either order, or null when the matrix does not show it. */
export const findLink = (topology: Pick<Topology, "links">, x: number, y: number): GpuLink | null =>
  topology.links.find((link) => (link.a === x && link.b === y) || (link.a === y && link.b === x)) ?? null;
