import { describe, expect, it } from "vitest";
import { endTitle, justEnded } from "./job-end-notice";

describe("the end of a followed job", () => {
  it("is seen only as a change from queued or running to an end state", () => {
    expect(justEnded("running", "succeeded")).toBe(true);
    expect(justEnded("queued", "failed")).toBe(true);
    expect(justEnded(null, "succeeded")).toBe(false); // the page opened on a finished job
    expect(justEnded("succeeded", "succeeded")).toBe(false);
    expect(justEnded("queued", "running")).toBe(false);
  });
  it("marks the tab title by outcome", () => {
    expect(endTitle("succeeded")).toBe("✓ job done — Headroom");
    expect(endTitle("failed")).toBe("✗ job failed — Headroom");
    expect(endTitle("running")).toBeNull();
  });
});
