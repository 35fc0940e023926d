import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { byteRange, sendStoredFile } from "./send-file.ts";

const root = mkdtempSync(join(tmpdir(), "send-file-"));
writeFileSync(join(root, "video.mp4"), "0123456789");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("byteRange", () => {
  it.each([
    [null, null],
    ["bytes=2-5", { start: 2, end: 5 }],
    ["bytes=7-", { start: 7, end: 9 }],
    ["bytes=-3", { start: 7, end: 9 }],
    ["bytes=-30", { start: 0, end: 9 }],
    ["bytes=8-99", { start: 8, end: 9 }],
    ["bytes=10-", "unsatisfiable"],
    ["bytes=5-2", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=0-1,4-5", null],
    ["items=0-1", null],
    ["bytes=-", null],
  ] as const)("%j of a 10-byte file → %j", (header, expected) => {
    expect(byteRange(header, 10)).toEqual(expected);
  });
});

describe("sendStoredFile", () => {
  it("sends the whole file and says ranges are accepted", async () => {
    const response = await sendStoredFile(root, "video.mp4", "video/mp4", null);
    expect(response.status).toBe(200);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(await response.text()).toBe("0123456789");
  });
  it("answers a video's seek with 206 and just that part", async () => {
    const response = await sendStoredFile(root, "video.mp4", "video/mp4", null, "bytes=3-6");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe("bytes 3-6/10");
    expect(response.headers.get("content-length")).toBe("4");
    expect(await response.text()).toBe("3456");
  });
  it("answers 416 for a range past the end, and 404 outside the storage root", async () => {
    const past = await sendStoredFile(root, "video.mp4", "video/mp4", null, "bytes=20-");
    expect([past.status, past.headers.get("content-range")]).toEqual([416, "bytes */10"]);
    expect((await sendStoredFile(root, "../etc/passwd", "text/plain", null)).status).toBe(404);
  });
});
