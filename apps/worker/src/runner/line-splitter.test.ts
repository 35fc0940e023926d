import { describe, expect, it } from "vitest";
import { createLineSplitter, lastSegment } from "./line-splitter.ts";

const split = (chunks: string[], max?: number) => {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), max);
  chunks.forEach(splitter.push);
  splitter.end();
  return lines;
};

describe("createLineSplitter", () => {
  it("joins chunks and splits on newlines, CRLF included", () => {
    expect(split(["ab", "c\nde", "f\r\n", "tail"])).toEqual(["abc", "def", "tail"]);
  });
  it("keeps carriage returns inside a line for the tqdm reader", () => {
    expect(split(["\r 25%| 1/4\r100%| 4/4\n"])).toEqual(["\r 25%| 1/4\r100%| 4/4"]);
  });
  it("cuts a line that never ends", () => {
    expect(split(["x".repeat(25)], 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
  });
});

describe("lastSegment", () => {
  it("shows what a terminal shows of a redrawn line", () => {
    expect(lastSegment("\r  0%| 0/4\r100%| 4/4")).toBe("100%| 4/4");
    expect(lastSegment("plain")).toBe("plain");
    expect(lastSegment("\r")).toBe("");
  });
});
