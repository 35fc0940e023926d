import { describe, expect, it } from "vitest";
import { decodeVramSamples, encodeVramSamples, flattenVramChunks, VRAM_SAMPLE_MAX_MIB } from "./vram-samples.ts";

describe("VRAM sample encoding", () => {
  it("round-trips MiB readings, 4 bytes each", () => {
    const samples = [0, 1, 23_650, 81_559, VRAM_SAMPLE_MAX_MIB];
    const bytes = encodeVramSamples(samples);
    expect(bytes.byteLength).toBe(samples.length * 4);
    expect(decodeVramSamples(bytes)).toEqual(samples);
  });

  it("stores little-endian uint32, whatever the host byte order", () => {
    expect([...encodeVramSamples([0x01020304])]).toEqual([0x04, 0x03, 0x02, 0x01]);
    expect(decodeVramSamples(Uint8Array.from([0xff, 0xff, 0, 0]))).toEqual([65_535]);
  });

  it("rounds fractional readings to whole MiB", () => {
    expect(decodeVramSamples(encodeVramSamples([10.4, 10.6]))).toEqual([10, 11]);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], [VRAM_SAMPLE_MAX_MIB + 1]])("refuses %s", (bad) => {
    expect(() => encodeVramSamples([5, bad])).toThrow(/sample 1/);
  });

  it("decodes a view into a larger buffer (Buffer slices from the driver)", () => {
    const backing = new Uint8Array(12);
    backing.set(encodeVramSamples([7, 8]), 4);
    expect(decodeVramSamples(backing.subarray(4, 12))).toEqual([7, 8]);
  });

  it("rejects a length that is not whole samples", () => {
    expect(() => decodeVramSamples(new Uint8Array(6))).toThrow(RangeError);
  });

  it("handles the empty series", () => {
    expect(encodeVramSamples([]).byteLength).toBe(0);
    expect(decodeVramSamples(new Uint8Array(0))).toEqual([]);
  });
});

describe("flattenVramChunks", () => {
  it("places each chunk's samples at its own start, keeping gaps", () => {
    const t0 = new Date("2026-11-26T10:00:00.000Z");
    const timeline = flattenVramChunks([
      { startedAt: t0, intervalMs: 100, samplesMib: [1, 2, 3] },
      { startedAt: new Date(t0.getTime() + 1000), intervalMs: 100, samplesMib: [4] },
    ]);
    expect(timeline).toEqual({ atMs: [0, 100, 200, 1000], mib: [1, 2, 3, 4] });
  });

  it("is empty for no chunks", () => {
    expect(flattenVramChunks([])).toEqual({ atMs: [], mib: [] });
  });
});
