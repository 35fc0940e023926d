// The bad uploads of issue 16 (and a few neighbours), built from the committed fixtures in
// apps/web/src/testing/fixtures (read as files, not imported) and from a few bytes made here, plus two valid files
// that must still pass (the control: a replay whose uploads all fail proves nothing).
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

const fixture = (name: string): Buffer => readFileSync(new URL(`../apps/web/src/testing/fixtures/${name}`, import.meta.url));

export type MediaCase = { name: string; kind: "image" | "audio"; fileName: string; bytes: Buffer; isValid: boolean };

const pngChunk = (type: string, data: Buffer): Buffer => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = pngChunk("IEND", Buffer.alloc(0));
const ihdr = (width: number, height: number) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return pngChunk("IHDR", header);
};
/** A grey RGB PNG, whole: each row a filter byte (0, none) and its pixels. */
const png = (width: number, height: number) => {
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk("IDAT", deflateSync(rows)), IEND]);
};

/** The same "random" bytes every run (a linear congruential generator). */
const noise = (length: number) => {
  let state = 12345;
  return Buffer.from(Array.from({ length }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24));
};

/** A 16-bit mono PCM WAV header and samples; `listBytes` puts a LIST chunk before `data`, `dataSize` lies about it. */
const wav = (samples: number, { listBytes = 0, dataSize }: { listBytes?: number; dataSize?: number } = {}) => {
  const head = Buffer.alloc(36);
  head.write("RIFF", 0, "latin1");
  head.write("WAVEfmt ", 8, "latin1");
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(16000, 24);
  head.writeUInt32LE(32000, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  // LIST/INFO holding one long comment (ICMT), as a tagger writing embedded lyrics would
  const list = Buffer.alloc(listBytes > 0 ? 8 + listBytes : 0, 0x61);
  if (listBytes > 0) {
    list.write("LISTxxxxINFOICMT", 0, "latin1");
    list.writeUInt32LE(listBytes, 4);
    list.writeUInt32LE(listBytes - 12, 16);
    list[list.length - 1] = 0;
  }
  const data = Buffer.alloc(8 + samples * 2);
  data.write("data", 0, "latin1");
  data.writeUInt32LE(dataSize ?? samples * 2, 4);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / 16000)), 8 + i * 2);
  const out = Buffer.concat([head, list, data]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
};

const flipped = (bytes: Buffer, at: number) => {
  const out = Buffer.from(bytes);
  out[at < 0 ? out.length + at : at]! ^= 0xff;
  return out;
};

export const mediaCases = (): MediaCase[] => {
  const flac = fixture("tone-1s.flac");
  const mp3 = fixture("tone-1s.mp3");
  const webp = fixture("lossy-32x24.webp");
  const goodPng = png(16, 16);
  const bad = (name: string, kind: MediaCase["kind"], fileName: string, bytes: Buffer): MediaCase => ({ name, kind, fileName, bytes, isValid: false });
  return [
    { name: "a whole PNG (control)", kind: "image", fileName: "ok.png", bytes: goodPng, isValid: true },
    { name: "a WAV with a 2 MB LIST chunk before its data (control)", kind: "audio", fileName: "ok.wav", bytes: wav(16000, { listBytes: 2 * 1024 * 1024 }), isValid: true },
    bad("a PNG: valid IHDR, random bytes, IEND", "image", "noise.png", Buffer.concat([PNG_SIGNATURE, ihdr(64, 64), noise(4000), IEND])),
    bad("a PNG whose IHDR checksum is wrong", "image", "crc.png", flipped(goodPng, 29)),
    bad("a PNG cut short", "image", "cut.png", goodPng.subarray(0, 40)),
    bad("a WebP cut short", "image", "cut.webp", webp.subarray(0, 200)),
    bad("text named .png", "image", "text.png", Buffer.from("not an image at all\n".repeat(20))),
    bad("an empty image", "image", "empty.png", Buffer.alloc(0)),
    bad("a 42-byte FLAC header claiming 1 s", "audio", "header.flac", flac.subarray(0, 42)),
    bad("a FLAC cut in half", "audio", "half.flac", flac.subarray(0, Math.floor(flac.length / 2))),
    bad("a FLAC with a damaged frame", "audio", "damaged.flac", flipped(flac, -10)),
    bad("a WAV whose data size is 0xFFFFFFFF, then 1,000 bytes", "audio", "huge.wav", wav(500, { dataSize: 0xffffffff })),
    bad("a WAV header with no data chunk", "audio", "nodata.wav", wav(0).subarray(0, 36)),
    bad("an MP3 cut to its first 100 bytes", "audio", "cut.mp3", mp3.subarray(0, 100)),
    bad("a PNG sent as audio", "audio", "image.wav", goodPng),
  ];
};
