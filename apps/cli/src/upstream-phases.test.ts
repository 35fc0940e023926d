import { compareUpstreamPhases, estimate, GIB, Measurement, UPSTREAM_DECODE_EXCESS } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { readMeasurements } from "./read-measurements.ts";

const measurements = readMeasurements(null).map((file) => Measurement.parse(file.json));
const byId = (id: string): Measurement => {
  const m = measurements.find((x) => x.id === id);
  if (!m) throw new Error(`no committed measurement ${id}`);
  return m;
};

describe("estimate() against upstream's own runs, phase by phase", () => {
  it("the decode excess the reports cite is what the committed upstream run shows (within 0.1 GiB)", () => {
    const decode = compareUpstreamPhases(byId(UPSTREAM_DECODE_EXCESS.measurementId)).find((row) => row.phase === "decode");
    expect(decode).toBeDefined();
    expect(Math.abs(decode!.liveBytes - decode!.predictedBytes - UPSTREAM_DECODE_EXCESS.bytes) / GIB).toBeLessThan(0.1);
  });
  it("reads live bytes as allocated + outside the allocator, and holds load, encode and denoise to the bar", () => {
    const m = byId("upstream-704x384-eager-c2");
    const rows = compareUpstreamPhases(m);
    expect(rows.map((row) => row.phase)).toEqual(["load", "encode", "denoise", "decode"]);
    const encode = m.ranks[0]!.phases.encode!;
    expect(rows[1]!.liveBytes).toBe(encode.allocated + encode.deviceUsed - encode.reserved);
    expect(rows.filter((row) => row.phase !== "decode").every((row) => row.isWithin)).toBe(true);
  });
  it("skips probe runs", () => {
    expect(compareUpstreamPhases(byId("h100-704x384-default"))).toEqual([]);
  });
  it("names the unverified decode on the 24 GB plan whose decode it would push past the card, and not where there is room", () => {
    const noteOf = (id: string) => estimate(byId(id).emulation?.plan ?? byId(id).plan).notes.find((note) => note.id === "upstream-decode");
    expect(noteOf("rtx4090-704x384-if12-headline")?.message).toMatch(/would need 24\.\d\d GiB of this card's 23\.65 GiB/);
    expect(noteOf("rtx4090-384x256-headline")).toBeUndefined();
    expect(noteOf("h100-704x384-default")).toBeUndefined();
  });
});
