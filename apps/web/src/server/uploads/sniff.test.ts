import { describe, expect, it } from "vitest";
import { makeJpegHeader, makePng, makeWav } from "../../testing/media.ts";
import { readImageInfo } from "./image-info.ts";
import { sniffType } from "./sniff.ts";
import { readWavInfo } from "./wav.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

describe("sniffType", () => {
  it.each([
    ["PNG", makePng(2, 2), "image/png"],
    ["JPEG", makeJpegHeader(2, 2), "image/jpeg"],
    ["WebP", ascii("RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp"],
    ["WAV", makeWav(0.1), "audio/wav"],
    ["FLAC", ascii("fLaC\x00\x00\x00\x22"), "audio/flac"],
    ["MP3 with ID3", ascii("ID3\x04\x00\x00"), "audio/mpeg"],
    ["MP3 frame", bytes(0xff, 0xfb, 0x90, 0x64), "audio/mpeg"],
    ["M4A", ascii("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), "audio/mp4"],
  ])("%s by its magic bytes", (_name, head, mime) => {
    expect(sniffType(new Uint8Array(head).subarray(0, 16))).toMatchObject({ mime });
  });
  it("names what it is not", () => {
    expect(sniffType(ascii("%PDF-1.4"))).toEqual({ kind: "other", label: "a PDF document" });
    expect(sniffType(ascii("hello world"))).toEqual({ kind: "other", label: "a text file" });
    expect(sniffType(ascii("\x00\x00\x00\x18ftypmp42"))).toMatchObject({ kind: "audio" });
    expect(sniffType(ascii("\x00\x00\x00\x18ftypqt  "))).toMatchObject({ kind: "other" });
  });
});

describe("readImageInfo", () => {
  it("reads PNG and JPEG sizes", () => {
    expect(readImageInfo("image/png", makePng(30, 20))).toEqual({ ok: true, width: 30, height: 20 });
    expect(readImageInfo("image/jpeg", makeJpegHeader(640, 480))).toEqual({ ok: true, width: 640, height: 480 });
  });
  it("reads a lossless WebP's size", () => {
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0, "latin1");
    webp.writeUInt32LE(22, 4);
    webp.write("WEBPVP8L", 8, "latin1");
    webp.writeUInt32LE((99 & 0x3fff) | ((49 & 0x3fff) << 14), 21);
    expect(readImageInfo("image/webp", webp)).toEqual({ ok: true, width: 100, height: 50 });
  });
  it("finds a JPEG cut short", () => {
    expect(readImageInfo("image/jpeg", makeJpegHeader(64, 64).subarray(0, 12))).toMatchObject({ ok: false });
  });
});

describe("readWavInfo", () => {
  it("computes the duration from the data size and byte rate", () => {
    const wav = makeWav(3, 8000);
    expect(readWavInfo(wav, wav.length)).toMatchObject({ ok: true, sampleRate: 8000, channels: 1, durationSeconds: 3 });
  });
  it("reports a header that promises more samples than the file holds", () => {
    const wav = makeWav(3, 8000);
    expect(readWavInfo(wav.subarray(0, 1000), 1000)).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });
  });
  it("treats an unset data size as running to the end", () => {
    const wav = makeWav(1, 8000);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(readWavInfo(wav, wav.length)).toMatchObject({ ok: true, durationSeconds: 1 });
  });
});
