import { describe, expect, it } from "vitest";
import type { ProbeResult } from "@headroom/protocol";
import { TaskFailure } from "../tasks/task.ts";
import { failureOutcome, probeOutcome } from "./run-job.ts";

const GIB = 2 ** 30;
const result = (over: Partial<ProbeResult>): ProbeResult => ({
  type: "result", rank: 0, world: 1, role: "single", device: "cuda:0", gpu: "NVIDIA H100", torchVersion: "2.11", fits: true, oomPhase: null,
  needBytes: null, oomMessage: null, error: null, phases: {}, peakAllocated: 0, peakReserved: 0, peakDeviceUsed: 30 * GIB, capBytes: 23.65 * GIB,
  secondsPerForward: 0.5, secondsPerStep: 2, wallSeconds: 60, ...over,
});

describe("probeOutcome", () => {
  it("succeeds with the largest rank's device-level peak", () => {
    expect(probeOutcome([result({ rank: 0 }), result({ rank: 1, peakDeviceUsed: 31 * GIB })])).toEqual({ kind: "succeeded", measuredPeakBytes: 31 * GIB });
  });

  it("turns a measured out-of-memory into a final failure at its phase, saying what it needed", () => {
    expect(probeOutcome([result({ fits: false, oomPhase: "decode", needBytes: 2 * GIB, peakDeviceUsed: 23 * GIB })])).toEqual({
      kind: "failed", errorClass: "out-of-memory", phase: "decode", measuredPeakBytes: 23 * GIB,
      message: "does not fit within 23.65 GiB: out of memory at decode, needing 2.00 GiB more",
    });
  });
});

describe("failureOutcome", () => {
  it("keeps a task's classified failure and calls anything else a crash", () => {
    expect(failureOutcome(new TaskFailure({ errorClass: "timeout", phase: "denoise", message: "timed out during denoise" }))).toEqual({
      kind: "failed", errorClass: "timeout", phase: "denoise", message: "timed out during denoise",
    });
    expect(failureOutcome(new Error("connection reset"))).toEqual({ kind: "failed", errorClass: "crashed", message: "worker error: connection reset" });
  });
});
