import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable, Transform } from "node:stream";
import type { ArtifactKind, DbClient } from "@headroom/db";
import { findJobArtifact, storeArtifact } from "../data.ts";
import { withRequestBody, type RequestBody } from "../request-body.ts";
import { authorizeHost } from "./authorize-host.ts";
import { mp4Problem } from "./mp4-structure.ts";

/**
 * What a worker may upload, by kind: the file's extension, its MIME type and its size limit. The limits are this app's
 * choice, sized well above what the runners write: a LiveAvatar video at 720p is tens of MB per minute; logs and
 * measurement JSON are small text.
 */
const KINDS: Record<ArtifactKind, { exts: Record<string, string>; maxBytes: number }> = {
  video: { exts: { ".mp4": "video/mp4" }, maxBytes: 4 * 2 ** 30 },
  log: { exts: { ".log": "text/plain", ".txt": "text/plain" }, maxBytes: 256 * 2 ** 20 },
  measurement: { exts: { ".json": "application/json" }, maxBytes: 64 * 2 ** 20 },
};

/** A plain file name: no folders, no leading dot (the part files start with one). */
const NAME = /^[\w][\w-]*(\.[\w-]+)*$/;

export type ArtifactDeps = { db: DbClient; storageDir: string };
type Target = { kind: ArtifactKind; mime: string; maxBytes: number; relativePath: string; finalPath: string; partPath: string };

const refuse = (status: number, error: string, headers: Record<string, string> = {}) => Response.json({ error }, { status, headers });

const targetFor = (storageDir: string, jobId: string, name: string, kind: string | null): Target | Response => {
  const rule = kind && Object.hasOwn(KINDS, kind) ? KINDS[kind as ArtifactKind] : null;
  if (!rule) return refuse(400, "kind must be video, log or measurement");
  if (!NAME.test(name) || name.length > 128) return refuse(400, "the file name must be a plain name");
  const ext = name.slice(name.lastIndexOf(".")).toLowerCase();
  const mime = rule.exts[ext];
  if (!mime) return refuse(415, `a ${kind} must end in ${Object.keys(rule.exts).join(" or ")}`);
  const dir = join(storageDir, jobId);
  return { kind: kind as ArtifactKind, mime, maxBytes: rule.maxBytes, relativePath: `${jobId}/${name}`, finalPath: join(dir, name), partPath: join(dir, `.${name}.part`) };
};

const sizeOf = async (path: string) => (await stat(path).catch(() => null))?.size ?? 0;

const sha256Of = async (path: string) => {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
};

/** The content matches its kind: a video is a whole MP4 (mp4-structure.ts), a measurement parses as JSON. */
const contentProblem = async (target: Target): Promise<string | null> => {
  if (target.kind === "video") {
    const file = await open(target.partPath);
    try {
      const { size } = await file.stat();
      return await mp4Problem(async (position, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      }, size);
    } finally {
      await file.close();
    }
  }
  if (target.kind === "measurement") {
    const text: string[] = [];
    for await (const chunk of createReadStream(target.partPath, "utf8")) text.push(chunk as string);
    try {
      JSON.parse(text.join(""));
    } catch {
      return "the measurement is not JSON";
    }
  }
  return null;
};

/**
 * HEAD /api/worker/jobs/<job>/artifacts/<name>?kind=…: how much of the file the web already has (Upload-Offset), and
 * Upload-Complete: ?1 once it is stored (a retry after a lost answer then sends nothing again).
 */
export const artifactOffset = async (deps: ArtifactDeps, headers: Headers, jobId: string, name: string, kind: string | null): Promise<Response> => {
  const job = await authorizeHost(deps.db, headers, jobId);
  if (job instanceof Response) return new Response(null, { status: job.status });
  const target = targetFor(deps.storageDir, jobId, name, kind);
  if (target instanceof Response) return new Response(null, { status: target.status });
  const partBytes = await sizeOf(target.partPath);
  const stored = partBytes === 0 ? await findJobArtifact(deps.db, { jobId, path: target.relativePath }) : null;
  const offset = stored ? stored.bytes : partBytes;
  return new Response(null, { status: 204, headers: { "upload-offset": String(offset), ...(stored && { "upload-complete": "?1" }) } });
};

/**
 * PUT /api/worker/jobs/<job>/artifacts/<name>?kind=…, the bytes from Upload-Offset on as the body (streamed, never
 * buffered), Upload-Length the whole file's size, X-Content-Sha256 its hash. Offset 0 starts the file over; any other
 * offset must be where the part file ends (409 with the right one otherwise). The last piece checks size, hash and
 * content, moves the file in place and records it once per path.
 */
// a refusal waits for the rest of the piece the host is still sending, so it reads the answer, not a reset
export const receiveArtifact = (deps: ArtifactDeps, request: Request, jobId: string, name: string, kind: string | null): Promise<Response> =>
  withRequestBody(request.body, (body) => receivePiece(deps, request, body, jobId, name, kind));

const receivePiece = async (deps: ArtifactDeps, request: Request, body: RequestBody, jobId: string, name: string, kind: string | null): Promise<Response> => {
  const job = await authorizeHost(deps.db, request.headers, jobId);
  if (job instanceof Response) return job;
  const target = targetFor(deps.storageDir, jobId, name, kind);
  if (target instanceof Response) return target;
  const offset = Number(request.headers.get("upload-offset"));
  const length = Number(request.headers.get("upload-length"));
  const sha256 = request.headers.get("x-content-sha256") ?? "";
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < offset) return refuse(400, "Upload-Offset and Upload-Length must be byte counts");
  if (!/^[0-9a-f]{64}$/.test(sha256)) return refuse(400, "X-Content-Sha256 must be the file's hex SHA-256");
  if (length > target.maxBytes) return refuse(413, `a ${target.kind} may be at most ${(target.maxBytes / 2 ** 30).toFixed(2)} GiB`);
  await mkdir(join(deps.storageDir, jobId), { recursive: true });
  const have = await sizeOf(target.partPath);
  if (offset !== 0 && offset !== have) return refuse(409, "the upload goes on from Upload-Offset", { "upload-offset": String(have) });

  let received = offset;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > length ? new Error("more bytes than Upload-Length") : null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(body.chunks), counter, createWriteStream(target.partPath, { flags: offset === 0 ? "w" : "a" }));
  } catch {
    // a dropped connection keeps what arrived (the worker resumes from it); too many bytes start the file over
    if (received > length) await rm(target.partPath, { force: true });
    return refuse(received > length ? 413 : 400, "the upload was cut short", { "upload-offset": String(await sizeOf(target.partPath)) });
  }
  if (received < length) return new Response(null, { status: 204, headers: { "upload-offset": String(received) } });

  const problem = (await sha256Of(target.partPath)) !== sha256 ? "the file's SHA-256 does not match X-Content-Sha256" : await contentProblem(target);
  if (problem) {
    await rm(target.partPath, { force: true });
    return refuse(422, problem);
  }
  await rename(target.partPath, target.finalPath);
  const artifact = await storeArtifact(deps.db, { jobId, kind: target.kind, path: target.relativePath, bytes: length, mime: target.mime });
  return Response.json({ id: artifact.id, bytes: artifact.bytes }, { status: 201, headers: { "upload-offset": String(length), "upload-complete": "?1" } });
};
