/** A PCM WAV: 16 kHz mono 16-bit, with an optional LIST chunk before the data, as many encoders write. */
export const makeWav = (seconds: number, { list = false, dataSize }: { list?: boolean; dataSize?: number } = {}): Uint8Array => {
  const rate = 16000;
  const data = Math.round(seconds * rate) * 2;
  const extra = list ? 8 + 4 : 0;
  const bytes = new Uint8Array(44 + extra + data);
  const view = new DataView(bytes.buffer);
  const put = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  put(0, "RIFF"); view.setUint32(4, bytes.length - 8, true); put(8, "WAVE");
  put(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  let at = 36;
  if (list) { put(at, "LIST"); view.setUint32(at + 4, 4, true); put(at + 8, "INFO"); at += 12; }
  put(at, "data"); view.setUint32(at + 4, dataSize ?? data, true);
  return bytes;
};
