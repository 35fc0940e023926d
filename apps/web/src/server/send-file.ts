import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { Readable } from "node:stream";

/** Streams a stored file; `relativePath` comes from the database and must stay inside the storage root. */
export const sendStoredFile = async (storageDir: string, relativePath: string, mime: string, downloadName: string | null): Promise<Response> => {
  const root = resolve(storageDir);
  const path = resolve(root, relativePath);
  if (!path.startsWith(root + sep)) return new Response("not found", { status: 404 });
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return new Response("the file is missing from storage", { status: 404 });
  const headers: Record<string, string> = { "content-type": mime, "content-length": String(info.size), "cache-control": "private, max-age=3600" };
  if (downloadName) headers["content-disposition"] = `attachment; filename="${downloadName.replace(/[^\w.-]/g, "_")}"`;
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers });
};
