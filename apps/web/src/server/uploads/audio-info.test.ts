import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWav, readFixture } from "../../testing/media.ts";
import { readAudioInfo } from "./audio-info.ts";

const dir = mkdtempSync(join(tmpdir(), "headroom-audio-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const read = (mime: string, bytes: Buffer, budgetMs?: number) => {
  const path = join(dir, `${n++}.part`);
  writeFileSync(path, bytes);
  return readAudioInfo(path, mime, bytes.length, budgetMs);
};

const flac = readFixture("tone-1s.flac");

/** The first 42 bytes of a FLAC (marker + STREAMINFO, announcing 1 s), marked as its last metadata block. */
const flacHeaderOnly = () => {
  const head = Buffer.from(flac.subarray(0, 42));
  head[4]! |= 0x80;
  return head;
};

/** MPEG-2.5 layer III mono 8 kHz frames of 8 and 16 kbps mixed (VBR, no Xing index): music-metadata walks every one. */
const tinyVbrMp3 = (bytes: number) => {
  const frame = (kbps: 8 | 16) => {
    const b = Buffer.alloc(9 * kbps);
    b.set([0xff, 0xe3, ((kbps === 8 ? 1 : 2) << 4) | (2 << 2), 0xc0]);
    return b;
  };
  const frames: Buffer[] = [];
  for (let total = 0; total < bytes; total += frames.at(-1)!.length) frames.push(frame(frames.length % 3 === 0 ? 16 : 8));
  return Buffer.concat(frames);
};

describe("readAudioInfo", () => {
  it.each([
    ["a WAV", "audio/wav", makeWav(2.5), 2.5],
    ["a WAV with a 2 MB LIST chunk before its data", "audio/wav", makeWav(1.5, 16000, { listBytes: 2 * 1024 * 1024 }), 1.5],
    ["the e2e's 4 s WAV", "audio/wav", makeWav(4), 4],
    ["a FLAC", "audio/flac", flac, 1],
    ["an MP3", "audio/mpeg", readFixture("tone-1s.mp3"), 1],
    ["an M4A", "audio/mp4", readFixture("tone-1s.m4a"), 1],
  ])("reads the real duration of %s", async (_name, mime, bytes, seconds) => {
    const info = await read(mime, bytes);
    expect(info).toMatchObject({ ok: true });
    // MP3 and AAC encoders pad the last frame: a tenth of a second or so more than the tone.
    expect(info.ok && Math.abs(info.durationSeconds - seconds)).toBeLessThan(0.2);
  });

  it.each([
    ["a 42-byte FLAC that is only a header claiming 1 s", "audio/flac", flacHeaderOnly(), /FLAC is truncated or damaged: it announces 1\.00 s, its intact frames hold 0\.00 s/],
    ["a FLAC cut in half", "audio/flac", flac.subarray(0, flac.length >> 1), /FLAC is truncated or damaged: it announces 1\.00 s/],
    ["a FLAC with a damaged frame", "audio/flac", (() => { const b = Buffer.from(flac); b[b.length - 10]! ^= 0xff; return b; })(), /FLAC is truncated or damaged/],
    ["a WAV whose data size is 0xFFFFFFFF, then 1,000 bytes", "audio/wav", makeWav(1000 / 32000, 16000, { dataSize: 0xffffffff }), /WAV is truncated: its chunks announce more bytes than the file's 1044/],
    ["a WAV cut short", "audio/wav", makeWav(1).subarray(0, 5000), /WAV is truncated/],
    ["a WAV header with no data chunk", "audio/wav", makeWav(1).subarray(0, 36), /cannot be read|duration/],
    ["random bytes as MP3", "audio/mpeg", Buffer.alloc(3000, 0x5a), /cannot be read|duration/],
    ["an M4A cut to its first 100 bytes", "audio/mp4", readFixture("tone-1s.m4a").subarray(0, 100), /cannot be read|duration/],
  ])("refuses %s", async (_name, mime, bytes, reason) => {
    const info = await read(mime, bytes);
    expect(info).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
    expect(info.ok || info.reason).not.toMatch(/\.part|headroom-audio|\/tmp/);
  });

  it("stops a crafted VBR MP3 when its parse budget runs out (about 0.5 s for these 4 MB here, 0.2 s a MB and rising past 30 MB)", async () => {
    const mp3 = tinyVbrMp3(4 * 1024 * 1024);
    const started = performance.now();
    const info = await read("audio/mpeg", mp3, 50);
    expect(info).toMatchObject({ ok: false, reason: expect.stringMatching(/reading it took longer than 0\.1 s/) });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
