import { describe, expect, it } from "vitest";
import { speedShownAs } from "./speed-display.ts";

describe("speedShownAs", () => {
  it("a range for plans that run, 'if it fit' for out of memory, nothing for invalid", () => {
    expect(speedShownAs("runs")).toBe("range");
    expect(speedShownAs("tight")).toBe("range");
    expect(speedShownAs("out-of-memory")).toBe("if-it-fit");
    expect(speedShownAs("invalid")).toBe("hidden");
  });
});
