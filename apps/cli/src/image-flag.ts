import { findField } from "@headroom/estimator";
import type { Parsed, PlanFlag } from "./args.ts";
import { readImageHeader } from "./image-header.ts";

/** Reads the first bytes of a file (the adapter in main.ts); throws as fs does. */
export type ReadFileHead = (path: string) => Uint8Array;

const IMAGE_SIZE_FIELD = findField("image_size")!;

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a folder, not an image",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

const readError = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && READ_ERRORS[code]) return READ_ERRORS[code];
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unreadable";
};

/** --image PATH → the image_size flag from the file's header, or a one-line reason naming the path. */
export const imageSizeFlag = (path: string, readHead: ReadFileHead): Parsed<PlanFlag> => {
  let bytes: Uint8Array;
  try {
    bytes = readHead(path);
  } catch (error) {
    return { ok: false, error: { flag: "--image", message: `cannot read "${path}": ${readError(error)}`, showUsage: false } };
  }
  const header = readImageHeader(bytes);
  if (!header.ok) return { ok: false, error: { flag: "--image", message: `cannot use "${path}": ${header.reason}`, showUsage: false } };
  return { ok: true, value: { field: IMAGE_SIZE_FIELD, typed: "--image", raw: `${header.width}*${header.height}` } };
};
