import { describe, expect, it } from "vitest";
import { readImageHeader } from "./image-header.ts";

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === "string" ? [...part].map((c) => c.charCodeAt(0)) : part)));
const be16 = (n: number) => [n >> 8, n & 0xff];
const be32 = (n: number) => [...be16(n >>> 16), ...be16(n & 0xffff)];
const le16 = (n: number) => [n & 0xff, n >> 8];
const le24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];
const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];

/** Signature, IHDR (13 bytes: size, bit depth 8, colour type 2, …) and its CRC (not checked). */
const png = (width: number, height: number) =>
  bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), "IHDR", be32(width), be32(height), [8, 2, 0, 0, 0], [0, 0, 0, 0]);

/** SOI, a JFIF APP0, a Huffman table (C4: not a frame), then a start-of-frame of the given kind. */
const jpeg = (width: number, height: number, sof = 0xc0) =>
  bytes([0xff, 0xd8], [0xff, 0xe0], be16(16), "JFIF", [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xc4], be16(5), [0, 1, 2],
    [0xff, sof], be16(17), [8], be16(height), be16(width), [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], [0xff, 0xd9]);

const riff = (chunk: string, payload: number[]) => bytes("RIFF", le32(4 + 8 + payload.length), "WEBP", chunk, le32(payload.length), payload);
const webpLossy = (width: number, height: number) => riff("VP8 ", [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(width), ...le16(height), 0, 0]);
const webpLossless = (width: number, height: number) => {
  const bits = ((width - 1) | ((height - 1) << 14)) >>> 0;
  return riff("VP8L", [0x2f, ...le32(bits), 0, 0, 0, 0, 0]);
};
const webpExtended = (width: number, height: number) => riff("VP8X", [0x10, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]);

describe("readImageHeader", () => {
  it.each([
    ["PNG", png(1080, 1920)],
    ["JPEG baseline", jpeg(1080, 1920)],
    ["JPEG progressive", jpeg(1080, 1920, 0xc2)],
    ["WebP lossy", webpLossy(1080, 1920)],
    ["WebP lossless", webpLossless(1080, 1920)],
    ["WebP extended", webpExtended(1080, 1920)],
  ])("%s: width and height", (_, file) => {
    expect(readImageHeader(file)).toMatchObject({ ok: true, width: 1080, height: 1920 });
  });

  it("reads the example image's 720×400 and large sizes", () => {
    expect(readImageHeader(png(720, 400))).toEqual({ ok: true, format: "PNG", width: 720, height: 400 });
    expect(readImageHeader(png(70000, 3))).toMatchObject({ width: 70000, height: 3 });
    expect(readImageHeader(webpExtended(16384, 9000))).toMatchObject({ format: "WebP", width: 16384, height: 9000 });
  });

  it("needs only the header: the first bytes of a JPEG are enough", () => {
    const whole = jpeg(640, 480);
    expect(readImageHeader(whole.subarray(0, whole.length - 2))).toMatchObject({ ok: true, width: 640, height: 480 });
  });

  it.each([
    ["empty", bytes(), "the file is empty"],
    ["text", bytes("hello, world"), "not a PNG, JPEG or WebP image"],
    ["GIF", bytes("GIF89a", [1, 0, 1, 0]), "not a PNG, JPEG or WebP image"],
    ["PNG cut short", png(10, 10).subarray(0, 20), "the PNG header is cut short"],
    ["PNG of no pixels", png(0, 10), "the image has no pixels"],
    ["JPEG without a frame", bytes([0xff, 0xd8, 0xff, 0xe0], be16(4), [0, 0], [0xff, 0xd9]), "the JPEG has no frame header"],
    ["JPEG cut inside a segment", jpeg(10, 10).subarray(0, 12), "the JPEG has no frame header"],
    ["JPEG damaged", bytes([0xff, 0xd8, 0xff, 0xe0], be16(4), [0, 0], [0x12, 0x34, 0, 0]), "the JPEG structure is damaged"],
    ["WebP cut short", webpLossy(10, 10).subarray(0, 20), "the WebP header is cut short"],
    ["WebP with an unknown chunk", riff("ALPH", new Array(20).fill(0)), 'unknown WebP chunk "ALPH"'],
  ])("%s: a reason, not a size", (_, file, reason) => {
    expect(readImageHeader(file)).toEqual({ ok: false, reason });
  });
});
