import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next.ts";

describe("safeNext", () => {
  it.each(["/", "/team", "/invite/cm1abc", "/jobs/abc?tab=events", "/r/abc#report", "/jobs?state=queued&user=a%40b"])("follows the same-origin path %s", (path) => {
    expect(safeNext(path)).toBe(path);
  });

  it.each([
    ["/\\127.0.0.1:3100/", "backslash after the slash"],
    ["/\\\\evil.example", "two backslashes"],
    ["//evil.example", "protocol-relative"],
    ["///evil.example", "three slashes"],
    ["/%5C127.0.0.1:3100/", "encoded backslash"],
    ["/%5c127.0.0.1", "encoded backslash, lower case"],
    ["/%2F%2Fevil.example", "encoded slashes"],
    ["/%2fevil.example", "encoded slash"],
    ["/%252F%252Fevil.example", "double-encoded slash"],
    ["/%", "broken escape"],
    ["/team\\..\\evil", "backslash inside"],
    ["https://evil.example/", "scheme"],
    ["javascript:alert(1)", "javascript scheme"],
    ["data:text/html,x", "data scheme"],
    ["evil.example", "relative without slash"],
    ["/\tevil.example", "tab"],
    ["/\n/evil.example", "newline"],
    ["/\u0000x", "NUL"],
    ["/%09/evil.example", "encoded tab"],
    ["/%0A/evil.example", "encoded newline"],
    [" /team", "leading space"],
    ["/te am", "space"],
    ["/\u2215evil", "unicode division slash"],
    ["", "empty"],
    [`/${"a".repeat(3000)}`, "too long"],
  ])("falls back to / for %j (%s)", (value) => {
    expect(safeNext(value)).toBe("/");
  });

  it("takes the first of repeated values and defaults when absent", () => {
    expect(safeNext(["/team", "//evil"])).toBe("/team");
    expect(safeNext(["//evil", "/team"])).toBe("/");
    expect(safeNext(undefined)).toBe("/");
  });
});
