import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { makeJpeg, makePng, makeWav, readFixture } from "../../testing/media.ts";
import { startRouterHarness, type RouterHarness } from "../../testing/router-harness.ts";
import type { Viewer } from "../viewer.ts";
import { requestBody } from "../request-body.ts";
import { storeUpload, UploadRejected, type UploadKind } from "./store-upload.ts";

const LIMITS = { maxImageBytes: 200_000, maxImagePixels: 1000 * 1000, maxAudioBytes: 400_000, maxAudioSeconds: 10 };

let h: RouterHarness;
let alice: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  alice = await h.signUp("Alice");
});
afterAll(() => h.close());

const store = (kind: UploadKind, bytes: Buffer, fileName: string | null = null, limits: Partial<typeof LIMITS> = {}) =>
  storeUpload({ db: h.db, storageDir: h.storageDir, teamId: alice.teamId, uploaderId: alice.userId, kind, fileName, body: chunks(bytes), limits: { ...LIMITS, ...limits } });

// Arrives in pieces, as a network body does.
async function* chunks(bytes: Buffer) {
  for (let at = 0; at < bytes.length; at += 7000) yield bytes.subarray(at, at + 7000);
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UploadRejected);
  return error as UploadRejected;
};

const storedFiles = () => readdirSync(h.storageDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));

describe("storeUpload", () => {
  it("stores a PNG under a generated name with its pixel size", async () => {
    const { asset, note } = await store("image", makePng(64, 48), "../../etc/passwd.png");
    expect(asset).toMatchObject({ kind: "image", mime: "image/png", width: 64, height: 48 });
    expect(asset.storagePath).toMatch(new RegExp(`^${alice.teamId}/[0-9a-f-]{36}\\.png$`));
    expect(note).toBeNull();
    expect(await h.callerFor(alice).uploads.get({ id: asset.id })).toMatchObject({ id: asset.id });
  });

  it("stores a WAV with the duration read from its header", async () => {
    const { asset } = await store("audio", makeWav(2.5), "voice.wav");
    expect(asset.durationSeconds).toBeCloseTo(2.5, 3);
  });

  it("goes by content: a JPEG named .png is stored as a JPEG and says so", async () => {
    const { asset, note } = await store("image", makeJpeg(320, 200), "photo.png");
    expect(asset).toMatchObject({ mime: "image/jpeg", width: 320, height: 200 });
    expect(note).toMatch(/really a JPEG image/);
  });

  it.each([
    ["empty", "image", Buffer.alloc(0), "empty.png", /is empty/],
    ["a PDF renamed to .png", "image", Buffer.from("%PDF-1.7\n1 0 obj\n"), "photo.png", /a PDF document, not an image.*\.png name/],
    ["an image sent as audio", "audio", makePng(8, 8), "song.wav", /PNG image, not audio/],
    ["a truncated PNG", "image", makePng(64, 48).subarray(0, 60), "cut.png", /truncated/],
    ["a truncated WAV", "audio", makeWav(1).subarray(0, 5000), "cut.wav", /truncated/],
    ["a PNG with a valid IHDR, then random bytes, then IEND", "image", Buffer.concat([makePng(64, 64).subarray(0, 33), randomBytes(2000), makePng(1, 1).subarray(-12)]), "noise.png", /PNG is damaged or truncated/],
    ["a PNG whose IHDR checksum is wrong", "image", (() => { const b = Buffer.from(makePng(16, 16)); b[29]! ^= 0xff; return b; })(), "crc.png", /PNG is damaged or truncated: a chunk's checksum or length is wrong/],
    ["a 42-byte FLAC header claiming 1 s", "audio", (() => { const b = Buffer.from(readFixture("tone-1s.flac").subarray(0, 42)); b[4]! |= 0x80; return b; })(), "head.flac", /FLAC is truncated or damaged/],
    ["a FLAC cut in half", "audio", readFixture("tone-1s.flac").subarray(0, 6000), "half.flac", /FLAC is truncated or damaged/],
    ["a WAV whose data size is 0xFFFFFFFF, then 1,000 bytes", "audio", makeWav(1000 / 32000, 16000, { dataSize: 0xffffffff }), "stream.wav", /WAV is truncated/],
    ["an unknown audio layout (no path in the message)", "audio", Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), randomBytes(500)]), "x.mp3", /cannot be read as audio|duration cannot be read/],
    ["too many pixels", "image", makePng(1200, 1000), "big.png", /too large: it is 1200×1000 pixels; the limit is 1 megapixels/],
    ["too long", "audio", makeWav(11, 8000), "long.wav", /11\.0 s long; the limit is 10 s/],
    ["too large", "image", Buffer.concat([makePng(8, 8), Buffer.alloc(250_000)]), "huge.png", /larger than the 0\.2 MB limit/],
  ] as const)("refuses %s with a clear message and keeps nothing", async (_name, kind, bytes, fileName, message) => {
    const before = storedFiles();
    const error = await rejection(store(kind, bytes, fileName));
    expect(error.message).toMatch(message);
    expect(storedFiles()).toEqual(before);
  });

  it("stores a WAV with a 2 MB LIST chunk before its data", async () => {
    const { asset } = await store("audio", makeWav(1, 16000, { listBytes: 2 * 1024 * 1024 }), "tagged.wav", { maxAudioBytes: 3_000_000 });
    expect(asset.durationSeconds).toBeCloseTo(1, 3);
  });

  it("stores FLAC, MP3, M4A and WebP files made by real encoders", async () => {
    for (const [kind, name] of [["audio", "tone-1s.flac"], ["audio", "tone-1s.mp3"], ["audio", "tone-1s.m4a"], ["image", "lossy-32x24.webp"]] as const) {
      await expect(store(kind, readFixture(name), name)).resolves.toMatchObject({ note: null });
    }
  });

  it("answers 413 to an over-limit image streamed as 16 KiB chunks of a fetch body, with no uncaught error", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      const png = makePng(8, 8);
      async function* sixteenKiB() {
        const bytes = Buffer.concat([png, Buffer.alloc(LIMITS.maxImageBytes + 40_000 - png.length)]);
        for (let at = 0; at < bytes.length; at += 16 * 1024) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield bytes.subarray(at, at + 16 * 1024);
        }
      }
      const request = new Request("http://localhost/api/uploads?kind=image", { method: "POST", body: sixteenKiB() as unknown as BodyInit, duplex: "half" } as RequestInit);
      const before = storedFiles();
      const error = await rejection(storeUpload({ db: h.db, storageDir: h.storageDir, teamId: alice.teamId, uploaderId: alice.userId, kind: "image", fileName: "big.png", body: requestBody(request.body).chunks, limits: LIMITS }));
      expect(error).toMatchObject({ status: 413, message: expect.stringMatching(/larger than the 0\.2 MB limit/) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(uncaught).toEqual([]);
      expect(storedFiles()).toEqual(before);
    } finally {
      process.off("uncaughtException", record);
    }
  });

  it("never names a server path in a refusal", async () => {
    const error = await rejection(store("audio", Buffer.concat([Buffer.from("fLaC", "latin1"), randomBytes(300)]), "noise.flac"));
    expect(error.message).not.toContain(h.storageDir);
    expect(error.message).not.toMatch(/\.part|\/tmp\//);
  });

  it("another team cannot read the upload", async () => {
    const { asset } = await store("image", makePng(16, 16), "a.png");
    const bob = await h.signUp("Bob");
    await expect(h.callerFor(bob).uploads.get({ id: asset.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
