/** What the first bytes of a file say it is: the only thing an upload's type is decided by. */
export type Sniffed = { kind: "image" | "audio"; mime: string; ext: string; label: string } | { kind: "other"; label: string };

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((byte, i) => bytes[at + i] === byte);

const M4A_BRANDS = new Set(["M4A ", "M4B ", "M4P ", "mp42", "mp41", "isom", "iso2", "dash", "f4a "]);

/** Reads at most the first 16 bytes. Unknown content is `{ kind: "other" }` with a best guess for the message. */
export const sniffType = (head: Uint8Array): Sniffed => {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: "image", mime: "image/png", ext: "png", label: "PNG image" };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: "image", mime: "image/jpeg", ext: "jpg", label: "JPEG image" };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return { kind: "image", mime: "image/webp", ext: "webp", label: "WebP image" };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WAVE") return { kind: "audio", mime: "audio/wav", ext: "wav", label: "WAV audio" };
  if (ascii(head, 0, 4) === "fLaC") return { kind: "audio", mime: "audio/flac", ext: "flac", label: "FLAC audio" };
  if (ascii(head, 0, 3) === "ID3" || (head[0] === 0xff && ((head[1] ?? 0) & 0xe6) === 0xe2)) return { kind: "audio", mime: "audio/mpeg", ext: "mp3", label: "MP3 audio" };
  if (ascii(head, 4, 8) === "ftyp" && M4A_BRANDS.has(ascii(head, 8, 12))) return { kind: "audio", mime: "audio/mp4", ext: "m4a", label: "M4A audio" };
  return { kind: "other", label: guessOther(head) };
};

const guessOther = (head: Uint8Array): string => {
  if (head.length === 0) return "an empty file";
  if (ascii(head, 0, 4) === "%PDF") return "a PDF document";
  if (ascii(head, 0, 4) === "GIF8") return "a GIF image (not supported)";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return "a ZIP archive";
  if (ascii(head, 4, 8) === "ftyp") return `an MP4/QuickTime file (${ascii(head, 8, 12).trim()})`;
  if (ascii(head, 0, 4) === "OggS") return "an Ogg file (not supported)";
  if (ascii(head, 0, 4) === "RIFF") return `a RIFF ${ascii(head, 8, 12)} file`;
  if (head.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f))) return "a text file";
  return "an unrecognised binary file";
};
