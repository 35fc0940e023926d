import { describe, expect, it } from "vitest";
import { JOB_PROMPT_MAX_CHARS, JobPrompt, promptProblem } from "./job-prompt.ts";

describe("JobPrompt", () => {
  it("trims the prompt and keeps its inner line breaks", () => {
    expect(JobPrompt.parse("  A dwarf at his forge.\nWarm light.\t ")).toBe("A dwarf at his forge.\nWarm light.");
  });
  it.each([
    ["empty", "", /empty/],
    ["blank", " \n\t ", /empty/],
    ["too long (after trimming)", ` ${"x".repeat(JOB_PROMPT_MAX_CHARS + 1)} `, /too long: keep it to 2000 characters/],
    ["a NUL byte", "a\u0000b", /control characters/],
    ["an escape character", "a\u001bb", /control characters/],
  ])("refuses a prompt that is %s, with a message for the person", (_name, text, message) => {
    expect(promptProblem(text)).toMatch(message);
  });
  it("accepts exactly the maximum once trimmed", () => {
    expect(promptProblem(`  ${"x".repeat(JOB_PROMPT_MAX_CHARS)}  `)).toBeNull();
  });
});
