import { describe, expect, it } from "vitest";
import { nextTheme, parseTheme, THEME_BOOT_SCRIPT } from "./theme";

describe("theme", () => {
  it("cycles system → light → dark → system", () => {
    expect([nextTheme("system"), nextTheme("light"), nextTheme("dark")]).toEqual(["light", "dark", "system"]);
  });
  it("reads anything unknown as following the system", () => {
    expect(parseTheme(null)).toBe("system");
    expect(parseTheme("purple")).toBe("system");
    expect(parseTheme("dark")).toBe("dark");
  });
  it("the boot script sets data-theme from a stored choice only", () => {
    const run = (stored: string | null) => {
      const documentElement = { dataset: {} as Record<string, string> };
      new Function("localStorage", "document", THEME_BOOT_SCRIPT)({ getItem: () => stored }, { documentElement });
      return documentElement.dataset.theme;
    };
    expect(run("dark")).toBe("dark");
    expect(run("light")).toBe("light");
    expect(run("system")).toBeUndefined();
    expect(run(null)).toBeUndefined();
  });
});
