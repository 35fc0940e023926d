import { open } from "node:fs/promises";
import { parseFile } from "music-metadata";
import { readWavInfo } from "./wav.ts";

export type AudioInfo = { ok: true; durationSeconds: number } | { ok: false; reason: string };

const WAV_HEAD_BYTES = 1024 * 1024;

/** Duration of a stored audio file: WAV from its header (our own parser), MP3/FLAC/M4A through music-metadata. */
export const readAudioInfo = async (path: string, mime: string, fileBytes: number): Promise<AudioInfo> => {
  if (mime === "audio/wav") {
    const handle = await open(path, "r");
    try {
      const head = Buffer.alloc(Math.min(fileBytes, WAV_HEAD_BYTES));
      await handle.read(head, 0, head.length, 0);
      const info = readWavInfo(head, fileBytes);
      return info.ok ? { ok: true, durationSeconds: info.durationSeconds } : info;
    } finally {
      await handle.close();
    }
  }
  try {
    const metadata = await parseFile(path, { duration: true, skipCovers: true });
    const seconds = metadata.format.duration;
    if (!seconds || !Number.isFinite(seconds) || seconds <= 0) return { ok: false, reason: "its duration cannot be read (the file may be truncated or damaged)" };
    return { ok: true, durationSeconds: seconds };
  } catch (error) {
    return { ok: false, reason: `it cannot be read as audio (${error instanceof Error ? error.message : "damaged"})` };
  }
};
