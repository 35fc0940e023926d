import { createReadStream } from "node:fs";
import { parseStream, type IAudioMetadata } from "music-metadata";
import { countFlacSamples } from "./flac-samples.ts";

export type AudioInfo = { ok: true; durationSeconds: number } | { ok: false; reason: string };

// A parse may take this long plus this much per MB; a crafted file (e.g. an MP3 of tiny frames with no index, which
// music-metadata walks frame by frame) is refused when the budget runs out instead of holding the request.
const PARSE_BASE_MS = 2_000;
const PARSE_MS_PER_MB = 100;

export const parseBudgetMs = (fileBytes: number) => PARSE_BASE_MS + (PARSE_MS_PER_MB * fileBytes) / 1024 / 1024;

/**
 * Format and real duration of a stored audio file through music-metadata (WAV, MP3, FLAC, M4A), cross-checked against the
 * bytes present: a WAV's chunks must fit in the file, a FLAC's frames (CRC-checked) must hold every sample it announces.
 * Library messages (which can name the file's path) never reach the reason.
 */
export const readAudioInfo = async (path: string, mime: string, fileBytes: number, budgetMs = parseBudgetMs(fileBytes)): Promise<AudioInfo> => {
  const signal = AbortSignal.timeout(Math.ceil(budgetMs));
  let metadata: IAudioMetadata;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  // Out of budget, the file is closed under the parser: its next read fails.
  const stop = () => stream.destroy(new Error("parse budget spent"));
  signal.addEventListener("abort", stop, { once: true });
  try {
    metadata = await parseStream(stream, { mimeType: mime, size: fileBytes }, { duration: true, skipCovers: true });
  } catch {
    return signal.aborted ? tookTooLong(budgetMs) : { ok: false, reason: "it cannot be read as audio (the file may be truncated or damaged)" };
  } finally {
    signal.removeEventListener("abort", stop);
    stream.destroy();
  }
  // Some parsers take a failed read for the end of the stream and return what they had.
  if (signal.aborted) return tookTooLong(budgetMs);
  const { duration, sampleRate, numberOfChannels, numberOfSamples } = metadata.format;
  if (!duration || !Number.isFinite(duration) || duration <= 0) return { ok: false, reason: "its duration cannot be read (the file may be truncated or damaged)" };
  if (!sampleRate || !numberOfChannels) return { ok: false, reason: "its sample rate or channel count cannot be read" };

  // music-metadata clamps a chunk that runs past the end of the file to what is there, and says so in a warning.
  if (mime === "audio/wav" && metadata.quality.warnings.some((warning) => warning.message === "data chunk length exceeding file length")) {
    return { ok: false, reason: `the WAV is truncated: its chunks announce more bytes than the file's ${fileBytes}` };
  }
  if (mime === "audio/flac") {
    const samples = await countFlacSamples(path, signal);
    if (samples === "aborted") return tookTooLong(budgetMs);
    const announced = numberOfSamples ?? Math.round(duration * sampleRate);
    if (samples < announced) {
      return { ok: false, reason: `the FLAC is truncated or damaged: it announces ${(announced / sampleRate).toFixed(2)} s, its intact frames hold ${(samples / sampleRate).toFixed(2)} s` };
    }
  }
  return { ok: true, durationSeconds: duration };
};

const tookTooLong = (budgetMs: number): AudioInfo => ({
  ok: false,
  reason: `reading it took longer than ${(budgetMs / 1000).toFixed(1)} s, which no ordinary file of its size needs; re-encode it (e.g. as WAV or a constant-bitrate MP3) and try again`,
});
