/** Pixel size of a PNG/JPEG/WebP, or why the file cannot be one (truncated or malformed). */
export type ImageInfo = { ok: true; width: number; height: number } | { ok: false; reason: string };

const PNG_IEND = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

const png = (b: Buffer): ImageInfo => {
  if (b.length < 33 || b.toString("latin1", 12, 16) !== "IHDR") return { ok: false, reason: "the PNG header is cut short" };
  const tail = b.subarray(b.length - 8);
  if (!PNG_IEND.every((byte, i) => tail[i] === byte)) return { ok: false, reason: "the PNG is truncated (no end marker)" };
  return { ok: true, width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

// Start-of-frame markers carry the size; C4 (Huffman tables), C8 and CC are not frames.
const isSof = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

const jpeg = (b: Buffer): ImageInfo => {
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return { ok: false, reason: "the JPEG is truncated (no end marker)" };
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return { ok: false, reason: "the JPEG structure is damaged" };
    const marker = b[at + 1]!;
    if (marker === 0xff) { at += 1; continue; }
    const length = b.readUInt16BE(at + 2);
    if (isSof(marker)) return { ok: true, height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return { ok: false, reason: "the JPEG has no frame header" };
};

const webp = (b: Buffer): ImageInfo => {
  if (b.length < 30) return { ok: false, reason: "the WebP header is cut short" };
  if (b.readUInt32LE(4) + 8 > b.length) return { ok: false, reason: "the WebP is truncated" };
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { ok: true, width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  if (chunk === "VP8 ") return { ok: true, width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = b.readUInt32LE(21);
    return { ok: true, width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return { ok: false, reason: `unknown WebP chunk "${chunk}"` };
};

export const readImageInfo = (mime: string, bytes: Buffer): ImageInfo => {
  const info = mime === "image/png" ? png(bytes) : mime === "image/jpeg" ? jpeg(bytes) : webp(bytes);
  if (info.ok && (info.width === 0 || info.height === 0)) return { ok: false, reason: "the image has no pixels" };
  return info;
};
