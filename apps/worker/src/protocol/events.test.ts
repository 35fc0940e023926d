import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProtocolLine, ProbeResult, WorkerEvent } from "@headroom/protocol";

// Real output of `probe.py --device cpu --scale tiny` (Debian's torch 1.13), committed as captured.
const fixture = (name: string): string[] =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8").split("\n").filter((l) => l !== "");

describe("the probe speaks the protocol", () => {
  it.each(["probe-cpu-tiny.jsonl", "probe-cpu-tiny-oom.jsonl"])("every line of %s is a valid event", (name) => {
    for (const line of fixture(name)) {
      const result = WorkerEvent.safeParse(JSON.parse(line));
      expect(result.error?.issues ?? []).toEqual([]);
    }
  });

  it("reads the result of a run that fits and of a measured out-of-memory", () => {
    const last = (name: string) => ProbeResult.parse(JSON.parse(fixture(name).at(-1) ?? "{}"));
    expect(last("probe-cpu-tiny.jsonl")).toMatchObject({ fits: true, oomPhase: null, role: "single" });
    expect(last("probe-cpu-tiny.jsonl").phases).toHaveProperty("decode");
    expect(last("probe-cpu-tiny-oom.jsonl")).toMatchObject({ fits: false, oomPhase: "load", needBytes: 8192 });
  });

  it("reads the probe's decode progress, which counts clips, not forwards (runner.py _decode_clips)", () => {
    expect(parseProtocolLine('{"type": "progress", "rank": 0, "phase": "decode", "clip": 0, "of": 1}')).toEqual({ type: "progress", rank: 0, phase: "decode", clip: 0, of: 1 });
  });

  it("keeps the fields an event adds beyond the schema", () => {
    const event = parseProtocolLine('{"type": "log", "rank": 0, "message": "out of memory", "phase": "load", "needBytes": 8192}');
    expect(event).toEqual({ type: "log", rank: 0, message: "out of memory", phase: "load", needBytes: 8192 });
  });
});

describe("parseProtocolLine", () => {
  it("turns a plain line into a log event", () => {
    expect(parseProtocolLine("world_size: 1")).toEqual({ type: "log", message: "world_size: 1", stream: "stdout" });
    expect(parseProtocolLine("{not json")).toEqual({ type: "log", message: "{not json", stream: "stdout" });
  });

  it("keeps JSON that is not an event as a warning with the reason", () => {
    const event = parseProtocolLine('{"type": "progress", "phase": "denoise"}');
    expect(event).toMatchObject({ type: "log", level: "warning" });
    expect(event.type === "log" && event.message).toContain("of");
    expect(parseProtocolLine('{"type": "nonsense"}')).toMatchObject({ type: "log", level: "warning" });
  });
});
