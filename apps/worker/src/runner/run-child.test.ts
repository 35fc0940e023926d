import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { WorkerEvent } from "@headroom/protocol";
import { runChild, type RunChildOptions } from "./run-child.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Running, not a zombie: an orphan killed with its launcher waits for init to reap it. */
const isAlive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

const run = (name: string, extra: Partial<RunChildOptions> = {}, args: string[] = []) => {
  const events: WorkerEvent[] = [];
  const stderr: string[] = [];
  const started = Date.now();
  const outcome = runChild({
    command: process.execPath,
    args: [fixture(name), ...args],
    onEvent: (event) => events.push(event),
    onStderrLine: (line) => stderr.push(line),
    ...extra,
  });
  return outcome.then((result) => ({ ...result, events, stderr, ms: Date.now() - started }));
};

/** Aborts once the fixture says it is ready (its signal handlers are installed by then). */
const cancelWhenReady = () => {
  const controller = new AbortController();
  const pids: number[] = [];
  const onEvent = (event: WorkerEvent) => {
    if (event.type === "log" && event.message === "ready") {
      pids.push(Number(event["pid"]), ...(event["rankPid"] ? [Number(event["rankPid"])] : []));
      controller.abort();
    }
  };
  return { controller, pids, onEvent };
};

describe("runChild", () => {
  it("parses protocol lines, turns plain lines into logs and captures stderr", async () => {
    const result = await run("emit.mjs", {}, ["0"]);
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, cancelled: false, spawnError: null });
    expect(result.events).toEqual([
      { type: "phase", phase: "load", state: "start" },
      { type: "log", message: "a plain line", stream: "stdout" },
      { type: "progress", phase: "denoise", forward: 1, of: 2 },
      { type: "result", fits: true },
    ]);
    expect(result.stderr[0]).toBe("\r  0%|          | 0/4\r100%|██████████| 4/4");
    expect(result.stderrTail).toBe("100%|██████████| 4/4\nTraceback (most recent call last):\nRuntimeError: boom");
  });

  it("reports the exit code of a failing child", async () => {
    expect((await run("emit.mjs", {}, ["3"])).exitCode).toBe(3);
  });

  it("uses a custom stdout parser", async () => {
    const result = await run("emit.mjs", { parseStdoutLine: (line) => (line === "a plain line" ? [{ type: "log", message: "seen" }] : []) });
    expect(result.events).toEqual([{ type: "log", message: "seen" }]);
  });

  it("cancels with SIGTERM", async () => {
    const { controller, onEvent, pids } = cancelWhenReady();
    const result = await run("hang.mjs", { signal: controller.signal, graceMs: 5_000, onEvent });
    expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null, signal: "SIGTERM" });
    expect(result.ms).toBeLessThan(4_000);
    expect(pids.every((pid) => !isAlive(pid))).toBe(true);
  });

  it("kills a child that ignores SIGTERM after the grace period", async () => {
    const { controller, onEvent } = cancelWhenReady();
    const result = await run("ignore-term.mjs", { signal: controller.signal, graceMs: 300, onEvent });
    expect(result).toMatchObject({ cancelled: true, signal: "SIGKILL" });
    expect(result.stderrTail).toContain("ignoring SIGTERM");
  });

  it("ends the whole process group: a launcher's rank that ignores SIGTERM dies too", async () => {
    const { controller, onEvent, pids } = cancelWhenReady();
    const result = await run("launcher.mjs", { signal: controller.signal, graceMs: 300, onEvent });
    expect(result).toMatchObject({ cancelled: true, exitCode: 143 });
    expect(pids).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("times out", async () => {
    // Long enough for node to start and print "ready" on a loaded 2-core CI machine.
    const result = await run("hang.mjs", { timeoutMs: 2_500, graceMs: 1_000 });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, signal: "SIGTERM" });
    expect(result.events).toMatchObject([{ type: "log", message: "ready" }]);
  });

  it("does not start when already cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await run("hang.mjs", { signal: controller.signal })).toMatchObject({ cancelled: true, exitCode: null });
  });

  it("reports a command that does not exist as a spawn error", async () => {
    const result = await runChild({ command: "/nonexistent/torchrun", args: [], onEvent: () => {} });
    expect(result.spawnError).toMatch(/^ENOENT/);
    expect(result.exitCode).toBeNull();
  });
});
