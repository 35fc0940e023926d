import { open } from "node:fs/promises";

const HEADER_BYTES = 64 * 1024;

/**
 * Duration of a RIFF/WAVE file from its header: data bytes over the fmt chunk's byte rate.
 * A streamed WAV with an unset data size (0 or 0xFFFFFFFF) runs to the end of the file. null when not a WAV.
 */
export const wavSecondsFromHeader = (header: Uint8Array, fileBytes: number): number | null => {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const tag = (at: number) => String.fromCharCode(...header.subarray(at, at + 4));
  if (header.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let byteRate: number | null = null;
  for (let at = 12; at + 8 <= header.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && at + 16 <= header.length) byteRate = view.getUint32(at + 16, true);
    if (id === "data") {
      if (!byteRate) return null;
      const dataBytes = size === 0 || size === 0xffffffff ? fileBytes - (at + 8) : Math.min(size, fileBytes - (at + 8));
      return dataBytes / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  return null;
};

/** The audio's length in seconds when it is a WAV file, else null (LiveAvatar's own decoder reads any format). */
export const wavSeconds = async (path: string): Promise<number | null> => {
  const file = await open(path, "r").catch(() => null);
  if (!file) return null;
  try {
    const { size } = await file.stat();
    const header = new Uint8Array(Math.min(HEADER_BYTES, size));
    await file.read(header, 0, header.length, 0);
    return wavSecondsFromHeader(header, size);
  } finally {
    await file.close();
  }
};
