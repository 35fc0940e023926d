import { GIB, MIB } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { gib } from "./format.ts";

describe("gib", () => {
  it("prints memory in GiB (MiB for a near-empty GPU), never GB", () => {
    expect(gib(22.88 * GIB)).toBe("22.88 GiB");
    expect(gib(48 * MIB)).toBe("48.0 MiB");
    expect(gib(null)).toBe("—");
  });
});
