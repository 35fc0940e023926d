import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { Readable } from "node:stream";

/** One byte range of `size` from a `Range: bytes=…` header: "unsatisfiable" where none of it lies in the file, null to send it whole. */
export const byteRange = (header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | null => {
  // one range only: a media element asks for one; several at once (multipart/byteranges) are answered whole, as HTTP allows
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [first, last] = [match[1] ?? "", match[2] ?? ""];
  if (first === "") {
    const suffix = Number(last); // bytes=-500: the last 500
    return suffix === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return start >= size || end < start ? "unsatisfiable" : { start, end };
};

/**
 * Streams a stored file; `relativePath` comes from the database and must stay inside the storage root. A `range` header
 * (what a <video> sends to seek) gets 206 with that part.
 */
export const sendStoredFile = async (storageDir: string, relativePath: string, mime: string, downloadName: string | null, range: string | null = null): Promise<Response> => {
  const root = resolve(storageDir);
  const path = resolve(root, relativePath);
  if (!path.startsWith(root + sep)) return new Response("not found", { status: 404 });
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return new Response("the file is missing from storage", { status: 404 });
  const headers: Record<string, string> = { "content-type": mime, "accept-ranges": "bytes", "cache-control": "private, max-age=3600" };
  if (downloadName) headers["content-disposition"] = `attachment; filename="${downloadName.replace(/[^\w.-]/g, "_")}"`;
  const part = byteRange(range, info.size);
  if (part === "unsatisfiable") return new Response("that range is not in the file", { status: 416, headers: { "content-range": `bytes */${info.size}` } });
  if (part === null) {
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { ...headers, "content-length": String(info.size) } });
  }
  const partHeaders = { ...headers, "content-length": String(part.end - part.start + 1), "content-range": `bytes ${part.start}-${part.end}/${info.size}` };
  return new Response(Readable.toWeb(createReadStream(path, part)) as ReadableStream, { status: 206, headers: partHeaders });
};
