import { describe, expect, it } from "vitest";
import { makeJpeg, makePng, makeWav } from "../../testing/media.ts";
import { sniffType } from "./sniff.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

describe("sniffType", () => {
  it.each([
    ["PNG", makePng(2, 2), "image/png"],
    ["JPEG", makeJpeg(2, 2), "image/jpeg"],
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
