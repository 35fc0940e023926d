import { describe, expect, it } from "vitest";
import { redactPaths, userFacingFailure } from "./user-facing-failure.ts";

describe("userFacingFailure", () => {
  it("turns a missing runner into whom to ask, whatever the operator's text said", () => {
    const outcome = { kind: "failed", errorClass: "not-installed", message: "LiveAvatar is not installed on this host: HEADROOM_LIVEAVATAR_DIR is not set" } as const;
    expect(userFacingFailure(outcome, "liveavatar")).toBe("This host has no LiveAvatar installed; ask your admin (the hosts page says what is missing).");
  });
  it("keeps other failures' words but not this host's folders", () => {
    const outcome = { kind: "failed", errorClass: "bad-input", message: "input file /srv/headroom/storage/team/in/voice.wav does not exist" } as const;
    expect(userFacingFailure(outcome, "liveavatar")).toBe("input file …/voice.wav does not exist");
  });
});

describe("redactPaths", () => {
  it.each([
    ["LiveAvatar exited cleanly but wrote no video at /data/jobs/0193/video.mp4", "LiveAvatar exited cleanly but wrote no video at …/video.mp4"],
    ["does not fit within 23.65 GiB: out of memory at denoise", "does not fit within 23.65 GiB: out of memory at denoise"],
    ["size must look like 704*384 (width/height)", "size must look like 704*384 (width/height)"],
    ["python3: can't open file '/x/probe.py': [Errno 2] No such file or directory", "python3: can't open file '…/probe.py': [Errno 2] No such file or directory"],
    ["a relative a/b/c stays", "a relative a/b/c stays"],
  ])("%s", (message, expected) => expect(redactPaths(message)).toBe(expected));
});
