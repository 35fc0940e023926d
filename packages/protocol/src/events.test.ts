import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_EXAMPLES } from "./examples.ts";
import { parseProtocolLine, WorkerEvent } from "./events.ts";
import { ProbeResult } from "./probe-result.ts";

// `probe.py --device cpu --scale tiny --clips 2` (Debian's torch), committed as captured.
const captured = readFileSync(new URL("../fixtures/probe-cpu-tiny-clips.jsonl", import.meta.url), "utf8").split("\n").filter((line) => line !== "");

describe("the protocol's examples", () => {
  it.each(Object.values(EVENT_EXAMPLES).flat().map((event) => [event.type, event] as const))("a %s example is a valid event", (_type, event) => {
    expect(WorkerEvent.safeParse(event).error?.issues ?? []).toEqual([]);
    expect(parseProtocolLine(JSON.stringify(event))).toEqual(event);
  });
});

describe("a captured probe run with two clips", () => {
  it("every line is a valid event, the decode progress included", () => {
    const events = captured.map((line) => parseProtocolLine(line));
    expect(events.filter((event) => event.type === "log" && event.level === "warning")).toEqual([]);
    expect(events.filter((event) => event.type === "progress" && event.phase === "decode")).toHaveLength(2);
  });

  it("names each forward's block and step, block 0 being the one-step warm-up", () => {
    const denoise = captured.map((line) => parseProtocolLine(line)).filter((event) => event.type === "progress" && event.phase === "denoise");
    expect(denoise[0]).toMatchObject({ forward: 1, block: 0, step: 1, steps: 1 });
    expect(denoise[2]).toMatchObject({ forward: 3, block: 1, blocks: 2, step: 2, steps: 4 });
  });

  it("marks its result as tiny shapes (a smoke run)", () => {
    expect(ProbeResult.parse(JSON.parse(captured.at(-1) ?? "{}")).scale).toBe("tiny");
  });
});
