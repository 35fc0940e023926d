import { open } from "node:fs/promises";
import CodecParser from "codec-parser";

const CHUNK_BYTES = 1024 * 1024;

/**
 * Samples per channel in a FLAC file's frames, counted by codec-parser: a frame counts only when its header CRC-8 and
 * footer CRC-16 hold, so a header without frames, a file cut short or damaged frames come up short of STREAMINFO's total.
 * Reads a MB at a time (about 0.02 s a MB here, ten times faster than decoding) and stops when `signal` aborts.
 */
export const countFlacSamples = async (path: string, signal: AbortSignal): Promise<number | "aborted"> => {
  const parser = new CodecParser("audio/flac", { enableLogging: false });
  const file = await open(path, "r");
  try {
    let samples = 0;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      if (signal.aborted) return "aborted";
      const { bytesRead } = await file.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      // codec-parser keeps references to what it is given: hand it a copy, not the reused buffer.
      samples += sumSamples(parser.parseChunk(Uint8Array.from(chunk.subarray(0, bytesRead))));
    }
    samples += sumSamples(parser.flush());
    return samples;
  } finally {
    await file.close();
  }
};

// codec-parser types its generators as plain iterators.
const sumSamples = (frames: Iterator<{ samples: number }>): number => {
  let samples = 0;
  for (let next = frames.next(); !next.done; next = frames.next()) samples += next.value.samples;
  return samples;
};
