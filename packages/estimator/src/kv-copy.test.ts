import { describe, expect, it } from "vitest";
import { HOST_MMAP_THRESHOLD_BYTES, KV_COPY_BYTES_PER_S, KV_COPY_FAULTING_BYTES_PER_S, kvCopySeconds } from "./throughput.ts";

const PER_TOKEN = 40 * 128 * 2; // one k (or v) tensor's bytes per token
const LAYERS = 40;
const FAST_LINK = 64e9;

describe("KV cache copies under --offload_kv_cache: in at the copy rate, out by each tensor's size", () => {
  it("a cache whose tensors are all under 32 MiB moves both ways at the fast rate (upstream's 12-frame 384×256 step)", () => {
    const bytes = 2 * LAYERS * (1152 + 2800) * PER_TOKEN;
    expect(kvCopySeconds(1152, 2800, LAYERS, PER_TOKEN, FAST_LINK)).toBeCloseTo((2 * bytes) / KV_COPY_BYTES_PER_S, 9);
    expect(kvCopySeconds(1152, 2800, LAYERS, PER_TOKEN, FAST_LINK)).toBeCloseTo(0.617, 2);
  });
  it("window tensors over the threshold fault their pages in on the way out (the 48-frame step: 3.40 s measured)", () => {
    expect(4608 * PER_TOKEN).toBeGreaterThan(HOST_MMAP_THRESHOLD_BYTES);
    expect(2800 * PER_TOKEN).toBeLessThan(HOST_MMAP_THRESHOLD_BYTES);
    const window = 2 * LAYERS * 4608 * PER_TOKEN;
    const cond = 2 * LAYERS * 2800 * PER_TOKEN;
    const expected = (window + cond) / KV_COPY_BYTES_PER_S + window / KV_COPY_FAULTING_BYTES_PER_S + cond / KV_COPY_BYTES_PER_S;
    expect(kvCopySeconds(4608, 2800, LAYERS, PER_TOKEN, FAST_LINK)).toBeCloseTo(expected, 9);
    expect(kvCopySeconds(4608, 2800, LAYERS, PER_TOKEN, FAST_LINK)).toBeCloseTo(3.4, 1);
  });
  it("a slow host link caps both rates", () => {
    const bytes = 2 * LAYERS * (1152 + 2800) * PER_TOKEN;
    expect(kvCopySeconds(1152, 2800, LAYERS, PER_TOKEN, 1e9)).toBeCloseTo((2 * bytes) / 1e9, 9);
  });
});
