import { compareMeasurement, compareUpstreamPhases, estimate, GIB, Measurement, UPSTREAM_CAPPED_DENOISE_EXCESS, UPSTREAM_DECODE_EXCESS } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { readMeasurements } from "./read-measurements.ts";

const files = readMeasurements(null);
const measurements = files.map((file) => Measurement.parse(file.json));
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
  it("the capped denoise excess is the least the 384×256 headline run needed at its OOM over the estimate (allocated + request + outside + unusable)", () => {
    const m = byId(UPSTREAM_CAPPED_DENOISE_EXCESS.measurementIds[0]!);
    const rank = m.ranks[0]!;
    expect(rank.oomPhase).toBe("denoise");
    const raw = files.find((file) => (file.json as { id: string }).id === m.id)!.json as { ranks: { oomMessage: string; needBytes: number }[] };
    const [, allocated, reserved] = /(\d+\.\d+) GiB is allocated by PyTorch, and (\d+\.\d+) MiB is reserved/.exec(raw.ranks[0]!.oomMessage) ?? [];
    const denoise = rank.phases.denoise!;
    const needed = Number(allocated) * GIB + raw.ranks[0]!.needBytes + (denoise.deviceUsed - denoise.reserved) + Number(reserved) * 2 ** 20;
    const predicted = estimate(m.plan).gpus[0]!.phases.find((p) => p.phase === "denoise")!.totalBytes;
    expect(Math.abs(needed - predicted - UPSTREAM_CAPPED_DENOISE_EXCESS.bytes) / GIB).toBeLessThan(0.05);
    expect(compareMeasurement(m).predictedFits).toBe(true);
  });
  it("names the measured OOM on 24 GB plans with the KV cache on the CPU, not on a card with room", () => {
    const noteOf = (id: string) => estimate(byId(id).plan).notes.find((note) => note.id === "upstream-capped-denoise");
    expect(noteOf("rtx4090-384x256-headline")?.message).toMatch(/would need 24\.\d\d GiB of this card's 23\.65 GiB/);
    expect(noteOf("rtx4090-704x384-if12-headline")).toBeDefined();
    expect(noteOf("h100-704x384-t5cpu-cap79")).toBeUndefined();
  });
});
