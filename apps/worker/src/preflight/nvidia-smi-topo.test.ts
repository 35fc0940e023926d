import { describe, expect, it } from "vitest";
import { capture } from "./captures.ts";
import { findLink, linkRank, parseTopology } from "./nvidia-smi-topo.ts";

describe("parseTopology", () => {
  it("reads the captured NVLink pair through the ANSI-underlined header", () => {
    expect(parseTopology(capture("h200x2/topo.txt"))).toEqual({
      gpus: [0, 1],
      links: [{ a: 0, b: 1, kind: "NV", label: "NV18", nvlinks: 18 }],
    });
  });

  it("gives every pair of a 5-GPU PCIe box once", () => {
    const topo = parseTopology(capture("reconstructed/topo-4090x5.reconstructed.txt"));
    expect(topo.gpus).toEqual([0, 1, 2, 3, 4]);
    expect(topo.links).toHaveLength(10);
    expect(findLink(topo, 1, 0)?.kind).toBe("NODE");
    expect(findLink(topo, 2, 1)?.kind).toBe("PHB");
  });

  it("reads PIX, PXB, SYS and the old SOC, and leaves NIC rows and columns out", () => {
    const topo = parseTopology(capture("reconstructed/topo-pcie-2socket.reconstructed.txt"));
    expect(topo.gpus).toEqual([0, 1, 2, 3]);
    expect(topo.links.map((l) => `${l.a}-${l.b}:${l.label}>${l.kind}`)).toEqual([
      "0-1:PIX>PIX", "0-2:PXB>PXB", "0-3:SYS>SYS", "1-2:PXB>PXB", "1-3:SYS>SYS", "2-3:SOC>SYS",
    ]);
  });

  it("has no links on one GPU, and nothing for text that is not a matrix", () => {
    expect(parseTopology(capture("reconstructed/topo-1gpu.reconstructed.txt"))).toEqual({ gpus: [0], links: [] });
    expect(parseTopology("")).toEqual({ gpus: [], links: [] });
  });

  it("ranks links best first", () => {
    expect(["SYS", "NV", "PHB", "NODE", "PIX", "PXB"].sort((a, b) => linkRank(a as never) - linkRank(b as never))).toEqual(["NV", "PIX", "PXB", "PHB", "NODE", "SYS"]);
  });
});
