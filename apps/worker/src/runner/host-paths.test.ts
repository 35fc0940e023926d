import { describe, expect, it } from "vitest";
import { hideHostPaths, hideHostPathsDeep } from "./host-paths.ts";

describe("hideHostPaths", () => {
  it.each([
    ["Merge completed, saved to /tmp/headroom-scratch/0190abcd/video.mp4", "Merge completed, saved to …/video.mp4"],
    ['  File "/opt/LiveAvatar/liveavatar/models/wan/attention.py", line 12, in forward', '  File "…/attention.py", line 12, in forward'],
    ["save_file=/srv/scratch/job/out.mp4 done", "save_file=…/out.mp4 done"],
    ["(/usr/lib/python3/dist-packages/torch/nn/modules/module.py)", "(…/module.py)"],
    ["cwd /work/main/", "cwd …/"],
  ])("%j → %j", (line, shown) => {
    expect(hideHostPaths(line)).toBe(shown);
  });
  it.each([
    "and/or 704*384 frames, 3/4 steps",
    "see https://github.com/Alibaba-Quark/LiveAvatar/blob/main/README.md",
    "relative ./examples/dwarven_blacksmith.jpg and ckpt/Wan2.2-S2V-14B/",
    "a lone / slash, and /root",
  ])("leaves %j as it is", (line) => {
    expect(hideHostPaths(line)).toBe(line);
  });
  it("walks an event's strings and leaves the original alone", () => {
    const event = { type: "artifact", kind: "video", path: "/tmp/s/job/video.mp4", nested: [{ message: "at /a/b.py" }], n: 3 };
    expect(hideHostPathsDeep(event)).toEqual({ type: "artifact", kind: "video", path: "…/video.mp4", nested: [{ message: "at …/b.py" }], n: 3 });
    expect(event.path).toBe("/tmp/s/job/video.mp4");
  });
});
