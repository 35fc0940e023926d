// Small, real media files made in code, for tests and e2e: no fixtures to download or commit.
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { encode as encodeJpeg } from "jpeg-js";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const crc32 = (bytes: Buffer): number => {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

export const pngChunk = (type: string, data: Buffer): Buffer => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/** An RGB PNG with a diagonal gradient, so a preview visibly shows something. */
export const makePng = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([Math.round((x / width) * 200) + 30, Math.round((y / height) * 160) + 60, 190], row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), pngChunk("IDAT", deflateSync(rows)), pngChunk("IEND", Buffer.alloc(0))]);
};

/** A 16-bit mono PCM WAV of a quiet tone; `listBytes` puts a LIST chunk of that size before `data`, `dataSize` overrides the announced data size. */
export const makeWav = (seconds: number, sampleRate = 16000, { listBytes = 0, dataSize }: { listBytes?: number; dataSize?: number } = {}): Buffer => {
  const samples = Math.round(seconds * sampleRate);
  const fmt = Buffer.alloc(24);
  fmt.write("fmt ", 0, "latin1");
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE(sampleRate * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = listBytes > 0 ? Buffer.alloc(8 + listBytes + (listBytes % 2)) : Buffer.alloc(0);
  if (listBytes > 0) {
    list.write("LIST", 0, "latin1");
    list.writeUInt32LE(listBytes, 4);
    list.write("INFO", 8, "latin1");
    // One comment filling the chunk, as a tagger writing a long note or embedded lyrics would.
    list.write("ICMT", 12, "latin1");
    list.writeUInt32LE(listBytes - 12, 16);
    list.fill("a", 20, 8 + listBytes - 1, "latin1");
  }
  const data = Buffer.alloc(8 + samples * 2);
  data.write("data", 0, "latin1");
  data.writeUInt32LE(dataSize ?? samples * 2, 4);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / sampleRate)), 8 + i * 2);
  const riff = Buffer.alloc(12);
  riff.write("RIFF", 0, "latin1");
  riff.writeUInt32LE(4 + fmt.length + list.length + data.length, 4);
  riff.write("WAVE", 8, "latin1");
  return Buffer.concat([riff, fmt, list, data]);
};

/** A baseline JPEG (jpeg-js's encoder) of a gradient. */
export const makeJpeg = (width: number, height: number): Buffer => {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i % width) * 3, Math.floor(i / width) * 3, 190, 255], i * 4);
  return encodeJpeg({ width, height, data }, 80).data;
};

/** Small files made once with ffmpeg 5.1 (commands in fixtures/README.md). */
export const readFixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
