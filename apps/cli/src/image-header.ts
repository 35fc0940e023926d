/** An image's pixel size read from its header (PNG, JPEG, WebP), or why it cannot be read. */
export type ImageHeader = { ok: true; format: "PNG" | "JPEG" | "WebP"; width: number; height: number } | { ok: false; reason: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number): number => u16be(b, at) * 0x10000 + u16be(b, at + 2);
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | (b[at + 2]! << 16);

// PNG: the signature, then the IHDR chunk whose first 8 bytes are width and height (big-endian).
const png = (b: Uint8Array): ImageHeader => {
  if (b.length < 24 || ascii(b, 12, 16) !== "IHDR") return { ok: false, reason: "the PNG header is cut short" };
  return { ok: true, format: "PNG", width: u32be(b, 16), height: u32be(b, 20) };
};

// Start-of-frame markers carry the size; C4 (Huffman tables), C8 (reserved) and CC (arithmetic tables) are not frames.
const isStartOfFrame = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

// JPEG: walk the marker segments after SOI until a start-of-frame: [FF Cn][length][precision][height][width].
const jpeg = (b: Uint8Array): ImageHeader => {
  let at = 2;
  while (at + 1 < b.length) {
    if (b[at] !== 0xff) return { ok: false, reason: "the JPEG structure is damaged" };
    const marker = b[at + 1]!;
    if (marker === 0xff) { at += 1; continue; }
    if (marker === 0xd9 || marker === 0xda) break;
    if (at + 3 >= b.length) break;
    if (isStartOfFrame(marker)) {
      if (at + 8 >= b.length) break;
      return { ok: true, format: "JPEG", height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    at += 2 + u16be(b, at + 2);
  }
  return { ok: false, reason: "the JPEG has no frame header" };
};

// WebP: RIFF....WEBP then one of three first chunks, each storing the size its own way.
const webp = (b: Uint8Array): ImageHeader => {
  if (b.length < 30) return { ok: false, reason: "the WebP header is cut short" };
  const chunk = ascii(b, 12, 16);
  if (chunk === "VP8X") return { ok: true, format: "WebP", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === "VP8 ") return { ok: true, format: "WebP", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = (u16le(b, 21) | (u16le(b, 23) << 16)) >>> 0;
    return { ok: true, format: "WebP", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return { ok: false, reason: `unknown WebP chunk "${chunk.trim()}"` };
};

/** Reads only the header: the bytes may be the whole file or its first part. */
export const readImageHeader = (bytes: Uint8Array): ImageHeader => {
  let header: ImageHeader;
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) header = png(bytes);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) header = jpeg(bytes);
  else if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") header = webp(bytes);
  else return { ok: false, reason: bytes.length === 0 ? "the file is empty" : "not a PNG, JPEG or WebP image" };
  if (header.ok && (header.width === 0 || header.height === 0)) return { ok: false, reason: "the image has no pixels" };
  return header;
};
