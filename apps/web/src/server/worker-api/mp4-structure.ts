// What makes an uploaded result a playable MP4, not a file that merely starts like one: ISO/IEC 14496-12 §4.2 boxes
// tile the file from its first byte to its last, the first is `ftyp` (§4.3), and `moov` (the index) and `mdat`
// (the samples) are both there. A file cut short mid-write fails the tiling: its last box runs past the end.

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

// A real MP4 has a handful of top-level boxes; a file of thousands is not one, and reading on would be the attacker's loop.
const MAX_TOP_LEVEL_BOXES = 1000;

/** Null when the file is a whole MP4, else what is wrong with it, in words. */
export const mp4Problem = async (readAt: ReadAt, size: number): Promise<string | null> => {
  const seen = new Set<string>();
  let position = 0;
  for (let count = 0; position < size; count++) {
    if (count >= MAX_TOP_LEVEL_BOXES) return "the video has too many top-level boxes to be an MP4";
    const header = await readAt(position, 16);
    if (header.length < 8) return "the video is cut short (a box header is incomplete)";
    const type = header.subarray(4, 8).toString("latin1");
    if (count === 0 && type !== "ftyp") return "the video is not an MP4";
    const size32 = header.readUInt32BE(0);
    // size 1: a 64-bit size follows the type; size 0: the box runs to the end of the file
    const boxSize = size32 === 1 ? (header.length < 16 ? -1 : Number(header.readBigUInt64BE(8))) : size32 === 0 ? size - position : size32;
    if (boxSize < 8) return "the video is not an MP4 (a box has an impossible size)";
    if (position + boxSize > size) return `the video is cut short (its ${type} box needs ${position + boxSize} bytes, the file has ${size})`;
    seen.add(type);
    position += boxSize;
  }
  if (!seen.has("ftyp")) return "the video is not an MP4";
  const missing = ["moov", "mdat"].filter((type) => !seen.has(type));
  return missing.length === 0 ? null : `the video has no ${missing.join(" or ")} box: it was not finished`;
};
