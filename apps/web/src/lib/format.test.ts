import { GIB, MIB } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { fileSize, gib } from "./format.ts";

describe("fileSize", () => {
  it("never shows a small file as 0.0 MB", () => {
    expect([fileSize(48), fileSize(12_345), fileSize(3_400_000)]).toEqual(["48 B", "12 KB", "3.4 MB"]);
  });
});

describe("gib", () => {
  it("prints memory in GiB (MiB for a near-empty GPU), never GB", () => {
    expect(gib(22.88 * GIB)).toBe("22.88 GiB");
    expect(gib(48 * MIB)).toBe("48.0 MiB");
    expect(gib(null)).toBe("—");
  });
});
