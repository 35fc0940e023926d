import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mp4Problem } from "./mp4-structure.ts";

const box = (type: string, body = Buffer.alloc(0)) => {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, body]);
};
const check = (bytes: Buffer) => mp4Problem(async (position, length) => bytes.subarray(position, position + length), bytes.length);
const ftyp = box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2", "latin1"));

describe("mp4Problem", () => {
  it("accepts boxes that tile the file with ftyp first and moov and mdat present", async () => {
    expect(await check(Buffer.concat([ftyp, box("moov", Buffer.alloc(20)), box("mdat", Buffer.alloc(100))]))).toBeNull();
    expect(await check(Buffer.concat([ftyp, box("mdat", Buffer.alloc(100)), box("moov", Buffer.alloc(20))]))).toBeNull(); // index at the end
  });
  it("refuses a file that only starts like an MP4 (the 48-byte half-written video)", async () => {
    expect(await check(ftyp)).toBe("the video has no moov or mdat box: it was not finished");
    const whole = Buffer.concat([ftyp, box("moov", Buffer.alloc(20)), box("mdat", Buffer.alloc(100))]);
    expect(await check(whole.subarray(0, whole.length - 10))).toMatch(/^the video is cut short \(its mdat box needs/);
    expect(await check(whole.subarray(0, ftyp.length + 4))).toBe("the video is cut short (a box header is incomplete)");
  });
  it("refuses what is not an MP4 at all, and a box of impossible size", async () => {
    expect(await check(Buffer.from("not really an mp4"))).toBe("the video is not an MP4");
    const bad = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 4]), Buffer.from("moov")]);
    expect(await check(bad)).toBe("the video is not an MP4 (a box has an impossible size)");
  });
  it("reads a 64-bit box size and a box that runs to the end", async () => {
    const large = Buffer.alloc(16 + 32);
    large.writeUInt32BE(1, 0);
    large.write("mdat", 4, "latin1");
    large.writeBigUInt64BE(BigInt(large.length), 8);
    const toEnd = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from("mdat"), Buffer.alloc(10)]);
    expect(await check(Buffer.concat([ftyp, box("moov"), large]))).toBeNull();
    expect(await check(Buffer.concat([ftyp, box("moov"), toEnd]))).toBeNull();
  });
  it("accepts what Debian's ffmpeg writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mp4-"));
    try {
      const out = join(dir, "v.mp4");
      execFileSync("ffmpeg", ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=gray:s=64x64:d=0.2", "-c:v", "libx264", "-pix_fmt", "yuv420p", out]);
      const bytes = readFileSync(out);
      expect(await check(bytes)).toBeNull();
      expect(await check(bytes.subarray(0, Math.floor(bytes.length * 0.7)))).toMatch(/cut short/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
