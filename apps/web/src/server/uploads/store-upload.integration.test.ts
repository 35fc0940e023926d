import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJpegHeader, makePng, makeWav } from "../../testing/media.ts";
import { startRouterHarness, type RouterHarness } from "../../testing/router-harness.ts";
import type { Viewer } from "../viewer.ts";
import { storeUpload, UploadRejected, type UploadKind } from "./store-upload.ts";

const LIMITS = { maxImageBytes: 200_000, maxImagePixels: 1000 * 1000, maxAudioBytes: 400_000, maxAudioSeconds: 10 };

let h: RouterHarness;
let alice: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  alice = await h.signUp("Alice");
});
afterAll(() => h.close());

const store = (kind: UploadKind, bytes: Buffer, fileName: string | null = null) =>
  storeUpload({ db: h.db, storageDir: h.storageDir, teamId: alice.teamId, uploaderId: alice.userId, kind, fileName, body: chunks(bytes), limits: LIMITS });

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
    const { asset, note } = await store("image", makeJpegHeader(320, 200), "photo.png");
    expect(asset).toMatchObject({ mime: "image/jpeg", width: 320, height: 200 });
    expect(note).toMatch(/really a JPEG image/);
  });

  it.each([
    ["empty", "image", Buffer.alloc(0), "empty.png", /is empty/],
    ["a PDF renamed to .png", "image", Buffer.from("%PDF-1.7\n1 0 obj\n"), "photo.png", /a PDF document, not an image.*\.png name/],
    ["an image sent as audio", "audio", makePng(8, 8), "song.wav", /PNG image, not audio/],
    ["a truncated PNG", "image", makePng(64, 48).subarray(0, 60), "cut.png", /truncated/],
    ["a truncated WAV", "audio", makeWav(1).subarray(0, 5000), "cut.wav", /truncated/],
    ["too many pixels", "image", makePng(1200, 1000), "big.png", /1200×1000 pixels/],
    ["too long", "audio", makeWav(11, 8000), "long.wav", /11\.0 s long; the limit is 10 s/],
    ["too large", "image", Buffer.concat([makePng(8, 8), Buffer.alloc(250_000)]), "huge.png", /larger than the 0\.2 MB limit/],
  ] as const)("refuses %s with a clear message and keeps nothing", async (_name, kind, bytes, fileName, message) => {
    const before = storedFiles();
    const error = await rejection(store(kind, bytes, fileName));
    expect(error.message).toMatch(message);
    expect(storedFiles()).toEqual(before);
  });

  it("another team cannot read the upload", async () => {
    const { asset } = await store("image", makePng(16, 16), "a.png");
    const bob = await h.signUp("Bob");
    await expect(h.callerFor(bob).uploads.get({ id: asset.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
