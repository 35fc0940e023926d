import { describe, expect, it } from "vitest";
import type { WorkerEvent } from "@headroom/protocol";
import { classifyFailure, type Failure, type FailureInput } from "./classify-failure.ts";

const base: FailureInput = { exitCode: 1, signal: null, timedOut: false, cancelled: false, stderrTail: "", spawnError: null, events: [] };
const inDenoise: WorkerEvent[] = [
  { type: "phase", phase: "load", state: "start" },
  { type: "phase", phase: "load", state: "end" },
  { type: "phase", phase: "denoise", state: "start" },
];
const OOM_LINE =
  "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.20 GiB. GPU 0 has a total capacity of 23.65 GiB of which 1.05 GiB is free.";

const rows: [string, Partial<FailureInput>, Failure | null][] = [
  ["a clean exit is no failure", { exitCode: 0 }, null],
  ["cancel wins over everything", { cancelled: true, signal: "SIGTERM", stderrTail: OOM_LINE, events: inDenoise }, { errorClass: "cancelled", phase: "denoise", message: "cancelled" }],
  ["timeout, with the phase it hit", { timedOut: true, exitCode: null, signal: "SIGKILL", events: inDenoise }, { errorClass: "timeout", phase: "denoise", message: "timed out during denoise" }],
  ["a launcher that is not on PATH", { exitCode: null, spawnError: "ENOENT: spawn torchrun ENOENT" }, { errorClass: "not-installed", message: "command not found (ENOENT: spawn torchrun ENOENT)" }],
  ["a launcher that cannot run", { exitCode: null, spawnError: "EACCES: spawn EACCES" }, { errorClass: "crashed", message: "could not start: EACCES: spawn EACCES" }],
  ["CUDA OOM in stderr, at the current phase", { stderrTail: `Traceback (most recent call last):\n${OOM_LINE}`, events: inDenoise }, { errorClass: "out-of-memory", phase: "denoise", message: OOM_LINE }],
  ["an OOM error event names its own phase", { events: [...inDenoise, { type: "error", message: OOM_LINE, phase: "load", errorClass: "out-of-memory" }] }, { errorClass: "out-of-memory", phase: "load", message: OOM_LINE }],
  ["the old torch.cuda OOM name", { stderrTail: "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB" }, { errorClass: "out-of-memory", message: "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB" }],
  ["exit 127 from a shell", { exitCode: 127, stderrTail: "sh: 1: torchrun: not found" }, { errorClass: "not-installed", message: "command not found (exit 127)" }],
  ["a missing Python module", { stderrTail: "Traceback:\nModuleNotFoundError: No module named 'flash_attn'" }, { errorClass: "not-installed", message: "ModuleNotFoundError: No module named 'flash_attn'" }],
  ["a missing script", { exitCode: 2, stderrTail: "python3: can't open file '/x/probe.py': [Errno 2] No such file or directory" }, { errorClass: "not-installed", message: "can't open file '/x/probe.py': [Errno 2] No such file or directory" }],
  ["weights not downloaded", { stderrTail: "huggingface_hub.errors.LocalEntryNotFoundError: Cannot find the requested files in the disk cache" }, { errorClass: "not-installed", message: "LocalEntryNotFoundError: Cannot find the requested files in the disk cache" }],
  ["a missing checkpoint file", { stderrTail: "FileNotFoundError: [Errno 2] No such file or directory: 'ckpt/Wan2.2-S2V-14B/config.json'", inputPaths: ["/in/a.wav"] }, { errorClass: "not-installed", message: "FileNotFoundError: [Errno 2] No such file or directory: 'ckpt/Wan2.2-S2V-14B/config.json'" }],
  ["a missing input file", { stderrTail: "FileNotFoundError: [Errno 2] No such file or directory: '/in/a.wav'", inputPaths: ["/in/a.wav"] }, { errorClass: "bad-input", message: "FileNotFoundError: [Errno 2] No such file or directory: '/in/a.wav'" }],
  ["argparse refuses a flag", { exitCode: 2, stderrTail: "usage: s2v_streaming_interact.py [-h]\ns2v_streaming_interact.py: error: argument --size: invalid choice: '1*1'" }, { errorClass: "bad-input", message: "error: argument --size: invalid choice: '1*1'" }],
  ["an unreadable image", { stderrTail: "PIL.UnidentifiedImageError: cannot identify image file '/in/a.jpg'" }, { errorClass: "bad-input", message: "PIL.UnidentifiedImageError: cannot identify image file '/in/a.jpg'" }],
  ["TPP on too few GPUs", { stderrTail: "AssertionError: At least 5 GPUs are supported for distributed inference." }, { errorClass: "bad-input", message: "AssertionError: At least 5 GPUs are supported for distributed inference." }],
  ["killed by the kernel", { exitCode: null, signal: "SIGKILL", events: inDenoise }, { errorClass: "crashed", phase: "denoise", message: "killed by SIGKILL (the host's OOM killer?)" }],
  ["a Python exception", { stderrTail: "Traceback (most recent call last):\n  File \"x.py\", line 1\nRuntimeError: expected scalar type Half but found Float" }, { errorClass: "crashed", message: "exited with 1: RuntimeError: expected scalar type Half but found Float" }],
  ["an error event of a clean exit", { exitCode: 0, events: [{ type: "error", message: "boom", phase: "decode" }] }, { errorClass: "crashed", message: "exited with 0: boom" }],
  ["an error event with its own class", { events: [{ type: "error", message: "no such plan", errorClass: "bad-input" }] }, { errorClass: "bad-input", message: "no such plan" }],
  ["nothing said at all", { exitCode: 1 }, { errorClass: "crashed", message: "exited with 1" }],
];

describe("classifyFailure", () => {
  it.each(rows)("%s", (_name, input, expected) => {
    expect(classifyFailure({ ...base, ...input })).toEqual(expected);
  });
});
