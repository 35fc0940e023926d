import { describe, expect, it } from "vitest";
import { capture, HOST_CAPTURES } from "./captures.ts";
import { runCommandText, runPreflight, type RunCommand } from "./collect-captures.ts";

/** A host whose nvidia-smi answers with the committed captures. */
const capturedHost: RunCommand = async (_command, args) => {
  const host = HOST_CAPTURES.h200x2();
  const text = args[0] === "topo" ? host.topo : args[0] === "-q" ? host.memory : host.query;
  return { stdout: text, error: null };
};

describe("runPreflight", () => {
  it("builds the inventory and findings of the captured host", async () => {
    const { inventory, findings } = await runPreflight({ run: capturedHost, readMeminfo: async () => capture("h200x2/meminfo.txt") });
    expect(inventory.gpus.map((g) => g.name)).toEqual(["NVIDIA H200", "NVIDIA H200"]);
    expect(inventory.warnings).toEqual([]);
    expect(findings).toEqual([]);
  });

  it("tolerates a host without nvidia-smi: no GPUs, one warning, one finding", async () => {
    const calls: string[][] = [];
    const run: RunCommand = async (command, args) => {
      calls.push(args);
      return { stdout: "", error: `${command} not found` };
    };
    const { inventory, findings } = await runPreflight({ run, readMeminfo: async () => capture("h200x2/meminfo.txt") });
    expect(calls).toHaveLength(1);
    expect(inventory.warnings).toEqual(["nvidia-smi not found"]);
    expect(findings.map((f) => f.ruleId)).toEqual(["preflight/no-gpu"]);
  });

  it("runs on this machine whatever it has", async () => {
    const { inventory } = await runPreflight();
    expect(inventory.hostRam?.totalBytes).toBeGreaterThan(0);
  });
});

describe("runCommandText", () => {
  it("says not found for a missing command and keeps stdout of a failing one", async () => {
    expect(await runCommandText("/nonexistent/nvidia-smi", [])).toEqual({ stdout: "", error: "/nonexistent/nvidia-smi not found" });
    const failing = await runCommandText("/bin/sh", ["-c", "echo driver gone; exit 9"]);
    expect(failing.stdout).toBe("driver gone\n");
    expect(failing.error).toMatch(/^\/bin\/sh -c/);
  });
});
