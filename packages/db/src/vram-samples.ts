// VRAM samples are stored as little-endian uint32 MiB values: 4 bytes a sample, 144 kB per GPU-hour at 100 ms.

export const VRAM_SAMPLE_BYTES = 4;
export const VRAM_SAMPLE_MAX_MIB = 0xffff_ffff;

/** MiB readings → compact bytes. Rounds to whole MiB; throws on negative, non-finite or > 4 PiB values. */
export const encodeVramSamples = (samplesMib: readonly number[]): Uint8Array<ArrayBuffer> => {
  const bytes = new Uint8Array(samplesMib.length * VRAM_SAMPLE_BYTES);
  const view = new DataView(bytes.buffer);
  samplesMib.forEach((mib, i) => {
    const rounded = Math.round(mib);
    if (!Number.isFinite(mib) || rounded < 0 || rounded > VRAM_SAMPLE_MAX_MIB) {
      throw new RangeError(`VRAM sample ${i} is not a MiB count: ${mib}`);
    }
    view.setUint32(i * VRAM_SAMPLE_BYTES, rounded, true);
  });
  return bytes;
};

/** Compact bytes → MiB readings. Throws when the length is not a whole number of samples. */
export const decodeVramSamples = (bytes: Uint8Array): number[] => {
  if (bytes.byteLength % VRAM_SAMPLE_BYTES !== 0) {
    throw new RangeError(`VRAM sample bytes must be a multiple of ${VRAM_SAMPLE_BYTES}, got ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / VRAM_SAMPLE_BYTES }, (_, i) => view.getUint32(i * VRAM_SAMPLE_BYTES, true));
};

export type VramChunk = { startedAt: Date; intervalMs: number; samplesMib: number[] };

/** Chunks (in time order) → one timeline of [ms since the first sample, MiB], keeping gaps between chunks. */
export const flattenVramChunks = (chunks: readonly VramChunk[]): { atMs: number[]; mib: number[] } => {
  const origin = chunks[0]?.startedAt.getTime() ?? 0;
  const atMs: number[] = [];
  const mib: number[] = [];
  for (const chunk of chunks) {
    const start = chunk.startedAt.getTime() - origin;
    chunk.samplesMib.forEach((value, i) => {
      atMs.push(start + i * chunk.intervalMs);
      mib.push(value);
    });
  }
  return { atMs, mib };
};
