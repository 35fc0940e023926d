import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { makeJpeg, makePng, pngChunk, readFixture } from "../../testing/media.ts";
import { readImageInfo } from "./image-info.ts";

const MAX_PIXELS = 4096 * 4096;

/** The same "random" bytes every run (a linear congruential generator), so a case cannot pass by luck. */
const noise = (length: number) => {
  let state = 12345;
  return Buffer.from(Array.from({ length }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24));
};

// The signature and IHDR of a real PNG, then `rest` (chunks or garbage).
const pngHead = (width: number, height: number) => makePng(width, height).subarray(0, 33);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

describe("readImageInfo", () => {
  it.each([
    ["PNG", "image/png", makePng(30, 20), 30, 20],
    ["JPEG", "image/jpeg", makeJpeg(64, 48), 64, 48],
    ["lossy WebP", "image/webp", readFixture("lossy-32x24.webp"), 32, 24],
    ["lossless WebP", "image/webp", readFixture("lossless-32x24.webp"), 32, 24],
    ["the e2e's 384×384 PNG", "image/png", makePng(384, 384), 384, 384],
  ])("decodes a whole %s", (_name, mime, bytes, width, height) => {
    expect(readImageInfo(mime, bytes, MAX_PIXELS)).toEqual({ ok: true, width, height });
  });

  it.each([
    ["a PNG with a valid IHDR, then random bytes, then IEND", "image/png", Buffer.concat([pngHead(64, 64), noise(4000), IEND])],
    ["a PNG whose IHDR checksum is wrong", "image/png", (() => { const b = Buffer.from(makePng(16, 16)); b[29]! ^= 0xff; return b; })()],
    ["a PNG whose IHDR is changed under its checksum", "image/png", (() => { const b = Buffer.from(makePng(16, 16)); b[19] = 17; return b; })()],
    ["a PNG whose pixel data is flipped", "image/png", (() => { const b = Buffer.from(makePng(64, 64)); b[60]! ^= 0x55; return b; })()],
    ["a PNG cut short", "image/png", makePng(64, 48).subarray(0, 60)],
    ["a PNG of IHDR and IEND only", "image/png", Buffer.concat([pngHead(16, 16), IEND])],
    ["a JPEG cut in half", "image/jpeg", makeJpeg(64, 64).subarray(0, 400)],
    ["a JPEG cut short with its end marker put back", "image/jpeg", Buffer.concat([makeJpeg(64, 64).subarray(0, 400), Buffer.from([0xff, 0xd9])])],
    ["a JPEG frame header with nothing after it", "image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 64, 0, 64, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9])],
    ["a WebP cut short", "image/webp", readFixture("lossy-32x24.webp").subarray(0, 200)],
    ["a WebP whose lossless bitstream is random bytes", "image/webp", Buffer.concat([readFixture("lossless-32x24.webp").subarray(0, 25), noise(149)])],
    ["a WebP whose RIFF size runs past the file", "image/webp", readFixture("lossy-32x24.webp").subarray(0, 300)],
  ])("refuses %s with a reason a person can read", (_name, mime, bytes) => {
    const info = readImageInfo(mime, bytes, MAX_PIXELS);
    expect(info).toMatchObject({ ok: false, reason: expect.stringMatching(/damaged|truncated|cut short|end marker|does not|no pixel data/) });
    expect(info.ok || info.reason).not.toMatch(/\/|Error|at /);
  });

  it("refuses a decompression bomb from its header, before allocating pixels", () => {
    // 60000×60000 RGB announced; a few KB of deflate that would inflate to 10 GB if anyone tried.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(60_000, 0);
    ihdr.writeUInt32BE(60_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([makePng(1, 1).subarray(0, 8), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.alloc(1024 * 1024))), IEND]);
    const started = performance.now();
    expect(readImageInfo("image/png", bomb, MAX_PIXELS)).toMatchObject({ ok: false, tooLarge: true, reason: expect.stringMatching(/60000×60000 pixels; the limit is 16\.8 megapixels/) });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each([
    ["IHDR and IEND only", Buffer.concat([pngHead(16, 16), IEND]), /has no pixel data/],
    ["an IDAT (valid CRC) holding half the rows", Buffer.concat([pngHead(16, 16), pngChunk("IDAT", deflateSync(Buffer.alloc(49 * 8))), IEND]), /pixel data does not fill the image/],
    ["an IDAT (valid CRC) whose zlib stream is cut", Buffer.concat([pngHead(16, 16), pngChunk("IDAT", deflateSync(Buffer.alloc(49 * 16)).subarray(0, 6)), IEND]), /damaged, cut short/],
  ])("refuses a PNG with %s (pngjs alone can return uninitialised memory for it)", (_name, bytes, reason) => {
    for (let i = 0; i < 20; i++) expect(readImageInfo("image/png", bytes, MAX_PIXELS)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("refuses an interlaced PNG whose data inflates past its size", () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(8, 0);
    ihdr.writeUInt32BE(8, 4);
    ihdr.set([8, 2, 0, 0, 1], 8);
    const bomb = Buffer.concat([makePng(1, 1).subarray(0, 8), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.alloc(8 * 1024 * 1024))), IEND]);
    expect(readImageInfo("image/png", bomb, 64)).toMatchObject({ ok: false, reason: expect.stringMatching(/compressed pixel data is damaged, cut short or larger than the image/) });
  });

  it("refuses a file whose content is another format than its type", () => {
    expect(readImageInfo("image/png", makeJpeg(8, 8), MAX_PIXELS)).toMatchObject({ ok: false });
  });
});
