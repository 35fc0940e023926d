import { closeSync, openSync, readSync } from "node:fs";

/** Enough for any image header: a JPEG's frame header follows its EXIF and ICC segments (64 KiB each at most). */
export const FILE_HEAD_BYTES = 4 * 1024 * 1024;

/** The first FILE_HEAD_BYTES of a file (all of a smaller one); throws as fs does. */
export const readFileHead = (path: string): Uint8Array => {
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(FILE_HEAD_BYTES);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
};
