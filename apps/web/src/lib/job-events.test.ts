import { readFileSync } from "node:fs";
import { EVENT_EXAMPLES, parseProtocolLine, type WorkerEvent } from "@headroom/protocol";
import { describe, expect, it } from "vitest";
import { currentProgress, describeEvent, isSmokeRun, readEvent, type StoredEvent } from "./job-events";

// The worker stores each parsed protocol event whole as the row's payload (apps/worker job-reporter.ts `report`).
const stored = (event: WorkerEvent, seq = 1): StoredEvent => ({ seq, type: event.type, payload: JSON.parse(JSON.stringify(event)), at: new Date(0) });

// A captured `probe.py --device cpu --clips 2`, shared with @headroom/protocol's own test.
const captured = readFileSync(new URL("../../../../packages/protocol/fixtures/probe-cpu-tiny-clips.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line, i) => stored(parseProtocolLine(line), i + 1));

describe("contract: the web's log reads every event the worker sends", () => {
  const examples = Object.values(EVENT_EXAMPLES).flat();
  it.each(examples.map((event) => [event.type, event] as const))("a stored %s event reads back and is described in words", (_type, event) => {
    expect(readEvent(stored(event))).toEqual(JSON.parse(JSON.stringify(event)));
    const line = describeEvent(stored(event));
    expect(line).not.toMatch(/^not a protocol event|unreadable|^\{/);
    expect(line.length).toBeGreaterThan(3);
  });
  it("covers every event type the protocol defines", () => {
    expect(new Set(examples.map((event) => event.type))).toEqual(new Set(["phase", "progress", "memory", "log", "artifact", "result", "error"]));
  });
  it("reads every line of a captured probe run, the decode progress included", () => {
    for (const event of captured) expect(describeEvent(event)).not.toMatch(/^not a protocol event|unreadable/);
    expect(captured.map(describeEvent)).toContain("rank 0 · decode · clip 1/2 done");
  });
  it("marks a row no runner could have sent instead of dropping it", () => {
    expect(describeEvent({ seq: 1, type: "progress", payload: { phase: "denoise" }, at: new Date(0) })).toMatch(/^not a protocol event/);
  });
});

describe("currentProgress", () => {
  const upTo = (predicate: (event: StoredEvent) => boolean) => captured.slice(0, captured.findIndex(predicate) + 1);
  it("names the warm-up, then block and step (forward 1/9 with 4 steps is the warm-up, not step 1 of 9)", () => {
    expect(currentProgress(upTo((e) => e.payload.forward === 1)).label).toBe("denoise · clip 1/2 · warm-up (forward 1/25)");
    expect(currentProgress(upTo((e) => e.payload.forward === 3))).toMatchObject({ phase: "denoise", label: "denoise · clip 1/2 · block 1/2 · step 2/4 (forward 3/25)", fraction: 3 / 25 });
  });
  it("in decode, says decode without the denoise's 100 %", () => {
    const decoding = upTo((e) => e.type === "phase" && e.payload.phase === "decode");
    expect(currentProgress(decoding)).toEqual({ phase: "decode", label: "decode", fraction: null });
    expect(currentProgress(upTo((e) => e.type === "progress" && e.payload.phase === "decode"))).toMatchObject({ label: "decode · clip 1/2 done", fraction: 0.5 });
  });
  it("has nothing to say before the first event", () => {
    expect(currentProgress([])).toEqual({ phase: null, label: null, fraction: null });
  });
});

describe("isSmokeRun", () => {
  it("is a probe at tiny shapes, known from its first line", () => {
    expect(isSmokeRun(captured.slice(0, 1))).toBe(true);
  });
  it("is not a run at LiveAvatar's shapes", () => {
    expect(isSmokeRun([stored({ type: "log", message: "probe start", scale: "full" }), stored({ type: "result", scale: "full", fits: true })])).toBe(false);
    expect(isSmokeRun([stored({ type: "progress", phase: "denoise", forward: 1, of: 48 })])).toBe(false);
  });
});
