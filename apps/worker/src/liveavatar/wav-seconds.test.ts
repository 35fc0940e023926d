import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeWav } from "../testing/make-wav.ts";
import { wavSeconds, wavSecondsFromHeader } from "./wav-seconds.ts";

describe("wavSecondsFromHeader", () => {
  it("reads the length of a plain and of a LIST-prefixed WAV", () => {
    const plain = makeWav(2.5);
    expect(wavSecondsFromHeader(plain, plain.length)).toBe(2.5);
    const listed = makeWav(1, { list: true });
    expect(wavSecondsFromHeader(listed, listed.length)).toBe(1);
  });
  it("runs a streamed WAV's unset data size to the end of the file", () => {
    const streamed = makeWav(3, { dataSize: 0xffffffff });
    expect(wavSecondsFromHeader(streamed, streamed.length)).toBe(3);
  });
  it("knows nothing of other formats", () => {
    expect(wavSecondsFromHeader(new TextEncoder().encode("ID3\u0004 an mp3"), 100)).toBeNull();
  });
});

describe("wavSeconds", () => {
  it("reads a file, and gives null for a missing one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wav-"));
    writeFileSync(join(dir, "a.wav"), makeWav(4));
    expect(await wavSeconds(join(dir, "a.wav"))).toBe(4);
    expect(await wavSeconds(join(dir, "missing.wav"))).toBeNull();
  });
});
