/** A WAV file's format and length, read from its RIFF header (fmt + data chunks). */
export type WavInfo =
  | { ok: true; sampleRate: number; channels: number; bitsPerSample: number; durationSeconds: number }
  | { ok: false; reason: string };

/** `head` is the file's first bytes (enough to reach the data chunk); `fileBytes` its full size. */
export const readWavInfo = (head: Buffer, fileBytes: number): WavInfo => {
  if (head.length < 12 || head.toString("latin1", 0, 4) !== "RIFF" || head.toString("latin1", 8, 12) !== "WAVE") return { ok: false, reason: "not a RIFF/WAVE file" };
  let format: { channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | null = null;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = head.toString("latin1", at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === "fmt ") {
      if (at + 24 > head.length) return { ok: false, reason: "the WAV format chunk is cut short" };
      format = { channels: head.readUInt16LE(at + 10), sampleRate: head.readUInt32LE(at + 12), byteRate: head.readUInt32LE(at + 16), bitsPerSample: head.readUInt16LE(at + 22) };
    } else if (id === "data") {
      if (!format) return { ok: false, reason: "the WAV has no format chunk before its data" };
      if (format.byteRate === 0 || format.channels === 0 || format.sampleRate === 0) return { ok: false, reason: "the WAV format chunk is invalid" };
      const start = at + 8;
      // 0 and 0xFFFFFFFF mark a stream whose writer never filled the size in: the data runs to the end.
      const isOpenEnded = size === 0 || size === 0xffffffff;
      if (!isOpenEnded && start + size > fileBytes) return { ok: false, reason: `the WAV is truncated: its header announces ${size} bytes of samples, the file holds ${Math.max(fileBytes - start, 0)}` };
      const dataBytes = isOpenEnded ? fileBytes - start : size;
      if (dataBytes <= 0) return { ok: false, reason: "the WAV holds no samples" };
      return { ok: true, sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: format.bitsPerSample, durationSeconds: dataBytes / format.byteRate };
    }
    at += 8 + size + (size & 1);
  }
  return { ok: false, reason: "the WAV is truncated: no sample data found" };
};
