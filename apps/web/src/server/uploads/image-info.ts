import { decode as decodeWebp } from "@cwasm/webp";
import { imageSize } from "image-size";
import { decode as decodeJpeg } from "jpeg-js";
import { PNG } from "pngjs";
import { inflateSync } from "node:zlib";

/** Pixel size of a PNG/JPEG/WebP decoded whole, or why it cannot be used (`tooLarge`: over the pixel limit). */
export type ImageInfo = { ok: true; width: number; height: number } | { ok: false; reason: string; tooLarge?: boolean };

const FORMAT: Record<string, { label: string; type: string }> = {
  "image/png": { label: "PNG", type: "png" },
  "image/jpeg": { label: "JPEG", type: "jpg" },
  "image/webp": { label: "WebP", type: "webp" },
};

/**
 * Reads the declared size (image-size), refuses more than `maxPixels` before any pixel buffer exists, then decodes every
 * pixel with the format's decoder (pngjs with CRC checks, jpeg-js strict, libwebp as WebAssembly): a damaged or truncated
 * file does not decode. Library messages stay on the server; `reason` is written for the person who chose the file.
 */
export const readImageInfo = (mime: string, bytes: Buffer, maxPixels: number): ImageInfo => {
  const format = FORMAT[mime];
  if (!format) return { ok: false, reason: "it is not a PNG, JPEG or WebP image" };
  let declared: { width: number; height: number };
  try {
    const size = imageSize(bytes);
    if (size.type !== format.type || !size.width || !size.height) return { ok: false, reason: `its ${format.label} header is damaged` };
    declared = { width: size.width, height: size.height };
  } catch {
    return { ok: false, reason: `its ${format.label} header is damaged or cut short` };
  }
  if (declared.width * declared.height > maxPixels) {
    return { ok: false, tooLarge: true, reason: `it is ${declared.width}×${declared.height} pixels; the limit is ${+(maxPixels / 1e6).toFixed(1)} megapixels` };
  }
  let decoded: { width: number; height: number };
  try {
    decoded = DECODE[mime]!(bytes, maxPixels);
  } catch (error) {
    return { ok: false, reason: `the ${format.label} is damaged or truncated: ${describeDecodeError(error)}` };
  }
  if (decoded.width !== declared.width || decoded.height !== declared.height) return { ok: false, reason: `the ${format.label} decodes to another size than its header declares` };
  return { ok: true, ...decoded };
};

type Decode = (bytes: Buffer, maxPixels: number) => { width: number; height: number };

const DECODE: Record<string, Decode> = {
  "image/png": (bytes, maxPixels) => {
    checkPixelData(bytes, maxPixels);
    const png = PNG.sync.read(bytes, { checkCRC: true });
    return { width: png.width, height: png.height };
  },
  "image/jpeg": (bytes, maxPixels) => {
    // jpeg-js keeps decoding past missing data unless told not to; without the end marker the file is cut short.
    if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw new DecodeProblem("it has no end marker");
    const image = decodeJpeg(bytes, { useTArray: true, tolerantDecoding: false, formatAsRGBA: false, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 512 });
    return { width: image.width, height: image.height };
  },
  "image/webp": (bytes) => {
    const image = decodeWebp(bytes);
    return { width: image.width, height: image.height };
  },
};

/** A problem we found ourselves; its message is safe to show. */
class DecodeProblem extends Error {}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * The IDAT stream inflated with a bound before pngjs sees it. pngjs inflates an interlaced image without a limit, and with
 * no IDAT at all (IHDR then IEND) its sync inflate hands back uninitialised memory that often "decodes". Here the zlib stream
 * must be complete, fit the image's size, and, when not interlaced, fill it exactly.
 */
const checkPixelData = (bytes: Buffer, maxPixels: number) => {
  if (bytes.length < 33) return;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const [depth, colorType, , , interlace] = bytes.subarray(24, 29);
  const rowBytes = Math.ceil((width * (CHANNELS[colorType!] ?? 4) * depth!) / 8) + 1;
  const idat: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  if (idat.length === 0) throw new DecodeProblem("it has no pixel data");
  // Adam7 adds at most one filter byte per row of each of its 7 passes; 16-bit RGBA is 8 bytes a pixel.
  const bound = interlace === 1 ? Math.min(maxPixels * 8, rowBytes * height) + 7 * (height + 1) : rowBytes * height;
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: bound });
  } catch {
    throw new DecodeProblem("its compressed pixel data is damaged, cut short or larger than the image");
  }
  if (interlace !== 1 && inflated.length !== bound) throw new DecodeProblem("its pixel data does not fill the image");
};

const KNOWN: [RegExp, string][] = [
  // pngjs reports a bad chunk CRC in sync mode as "unrecognised content at end of stream".
  [/crc|unrecognised content/i, "a chunk's checksum or length is wrong"],
  [/end of (file|data)|unexpected end|out of bounds|outside the bounds|truncat/i, "it is cut short"],
  [/inflate|zlib|invalid (distance|block|code|stored)|incorrect header check/i, "its compressed data is damaged"],
  [/maxResolutionInMP|memory/i, "it needs more memory to decode than allowed"],
];

const describeDecodeError = (error: unknown): string => {
  if (error instanceof DecodeProblem) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return KNOWN.find(([pattern]) => pattern.test(message))?.[1] ?? "its data does not decode";
};
