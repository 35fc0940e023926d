import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { extname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AssetDto, DbClient } from "@headroom/db";
import { createAsset } from "../data.ts";
import { readAudioInfo } from "./audio-info.ts";
import { readImageInfo } from "./image-info.ts";
import { sniffType } from "./sniff.ts";

export type UploadKind = "image" | "audio";

export type UploadLimits = { maxImageBytes: number; maxImagePixels: number; maxAudioBytes: number; maxAudioSeconds: number };

/** A refused upload; its message is written for the person who chose the file. */
export class UploadRejected extends Error {
  readonly status: number;
  constructor(message: string, status = 422) {
    super(message);
    this.name = "UploadRejected";
    this.status = status;
  }
}

const ACCEPTED: Record<UploadKind, string> = { image: "PNG, JPEG or WebP", audio: "WAV, MP3, FLAC or M4A" };
const mb = (bytes: number) => `${+(bytes / 1024 / 1024).toFixed(1)} MB`;

export type StoreUploadInput = {
  db: DbClient;
  storageDir: string;
  teamId: string;
  uploaderId: string;
  kind: UploadKind;
  /** The name the browser sent: used only to explain a mismatch, never for the stored path. */
  fileName: string | null;
  body: AsyncIterable<Uint8Array>;
  limits: UploadLimits;
};

export type StoredUpload = { asset: AssetDto; note: string | null };

/**
 * Streams an upload into `<storage>/tmp`, checks it by content (type, size, pixels or duration), then moves it to
 * `<storage>/<team>/<uuid>.<ext>` and records it. Any refusal or failure removes every byte written.
 */
export const storeUpload = async (input: StoreUploadInput): Promise<StoredUpload> => {
  const maxBytes = input.kind === "image" ? input.limits.maxImageBytes : input.limits.maxAudioBytes;
  const tmpDir = join(input.storageDir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  const tmpPath = join(tmpDir, `${randomUUID()}.part`);
  let finalPath: string | null = null;
  try {
    const { bytes, sha256, head } = await streamToFile(input.body, tmpPath, maxBytes, input.kind);
    const described = input.fileName ? `"${input.fileName}"` : "The file";
    if (bytes === 0) throw new UploadRejected(`${described} is empty (0 bytes).`);
    const sniffed = sniffType(head);
    if (sniffed.kind !== input.kind) {
      const nameExt = input.fileName ? extname(input.fileName).toLowerCase() : "";
      const renamed = nameExt ? ` Its ${nameExt} name does not change what it contains.` : "";
      throw new UploadRejected(`${described} is ${sniffed.kind === "other" ? sniffed.label : `a ${sniffed.label}`}, not ${input.kind === "image" ? "an image" : "audio"}: expected ${ACCEPTED[input.kind]}.${renamed}`, 415);
    }
    const details = input.kind === "image" ? await inspectImage(tmpPath, sniffed.mime, input.limits) : await inspectAudio(tmpPath, sniffed.mime, bytes, input.limits);
    const nameExt = input.fileName ? extname(input.fileName).toLowerCase().replace(".jpeg", ".jpg") : "";
    const note = nameExt && nameExt !== `.${sniffed.ext}` ? `${described} is really a ${sniffed.label}; stored as .${sniffed.ext} (names are ignored).` : null;

    const storagePath = join(/* turbopackIgnore: true */ input.teamId, `${randomUUID()}.${sniffed.ext}`);
    await mkdir(join(/* turbopackIgnore: true */ input.storageDir, input.teamId), { recursive: true });
    finalPath = join(/* turbopackIgnore: true */ input.storageDir, storagePath);
    await rename(tmpPath, finalPath);
    const asset = await createAsset(input.db, { teamId: input.teamId, uploaderId: input.uploaderId, kind: input.kind, mime: sniffed.mime, bytes, sha256, storagePath, ...details });
    finalPath = null;
    return { asset, note };
  } finally {
    await rm(tmpPath, { force: true });
    if (finalPath) await rm(finalPath, { force: true });
  }
};

const streamToFile = async (body: AsyncIterable<Uint8Array>, path: string, maxBytes: number, kind: UploadKind) => {
  const hash = createHash("sha256");
  const headChunks: Buffer[] = [];
  let bytes = 0;
  let headBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new UploadRejected(`The ${kind} is larger than the ${mb(maxBytes)} limit.`, 413));
      hash.update(chunk);
      if (headBytes < 16) {
        headChunks.push(chunk.subarray(0, 16 - headBytes));
        headBytes += Math.min(chunk.length, 16 - headBytes);
      }
      done(null, chunk);
    },
  });
  await pipeline(body, meter, createWriteStream(path, { flags: "wx" }));
  return { bytes, sha256: hash.digest("hex"), head: new Uint8Array(Buffer.concat(headChunks)) };
};

const inspectImage = async (path: string, mime: string, limits: UploadLimits) => {
  const info = readImageInfo(mime, await readFile(path), limits.maxImagePixels);
  if (!info.ok) throw info.tooLarge ? new UploadRejected(`The image is too large: ${info.reason}.`, 413) : new UploadRejected(`The image cannot be used: ${info.reason}.`);
  return { width: info.width, height: info.height };
};

const inspectAudio = async (path: string, mime: string, bytes: number, limits: UploadLimits) => {
  const info = await readAudioInfo(path, mime, bytes);
  if (!info.ok) throw new UploadRejected(`The audio cannot be used: ${info.reason}.`);
  if (info.durationSeconds > limits.maxAudioSeconds) {
    throw new UploadRejected(`The audio is ${info.durationSeconds.toFixed(1)} s long; the limit is ${limits.maxAudioSeconds} s.`, 413);
  }
  return { durationSeconds: info.durationSeconds };
};
