import type { WorkerEvent } from "./events.ts";

/**
 * At least one event of every type, in every shape a runner sends: the contract the worker's parser and the
 * web's log are both tested against. A new event type does not typecheck until it has examples here.
 * Shapes are copied from captured output: the probe's (fixtures/probe-cpu-tiny-clips.jsonl), LiveAvatar's as
 * apps/worker/src/liveavatar/translate.ts turns its log into events, and the worker's own notes.
 */
export const EVENT_EXAMPLES: { [K in WorkerEvent["type"]]: Extract<WorkerEvent, { type: K }>[] } = {
  phase: [
    { type: "phase", rank: 0, t: 1796425161.597, phase: "decode", state: "start" },
    { type: "phase", phase: "save", state: "end" },
  ],
  progress: [
    // the probe's warm-up forward, then a timed one (block 1 of 2, step 2 of 4)
    { type: "progress", rank: 0, phase: "denoise", clip: 0, clips: 2, forward: 1, of: 25, block: 0, blocks: 2, step: 1, steps: 1, seconds: null },
    { type: "progress", rank: 0, phase: "denoise", clip: 0, clips: 2, forward: 3, of: 25, block: 1, blocks: 2, step: 2, steps: 4, seconds: 0.00291 },
    // the probe's decode: clips, not forwards
    { type: "progress", rank: 0, phase: "decode", clip: 0, of: 2 },
    // LiveAvatar: forwards only; the total is unknown with num_clip 10000 and audio of unknown length
    { type: "progress", phase: "denoise", forward: 12, of: 48 },
    { type: "progress", phase: "denoise", forward: 12, of: null },
  ],
  memory: [
    { type: "memory", rank: 0, phase: "decode", allocated: 773070, reserved: 773070, deviceUsed: 773070, seconds: 6.1781 },
    { type: "memory", rank: 1, phase: "load", allocated: 20 * 2 ** 30, reserved: 21 * 2 ** 30, deviceUsed: 22 * 2 ** 30, outsideAllocator: 2 ** 29 },
  ],
  log: [
    { type: "log", rank: 0, message: "probe start", device: "cpu", scale: "tiny" },
    { type: "log", message: "world_size: 1", stream: "stdout" },
    { type: "log", level: "warning", message: "nvidia-smi did not answer", stream: "stderr" },
  ],
  artifact: [
    { type: "artifact", kind: "video", path: "jobs/0198/out.mp4" },
    { type: "artifact", kind: "measurement", path: "jobs/0198/probe-result.json" },
  ],
  result: [
    { type: "result", rank: 0, world: 1, role: "single", scale: "tiny", device: "cpu", fits: true, peakDeviceUsed: 811982, wallSeconds: 2.484 },
    { type: "result", runner: "liveavatar", video: "jobs/0198/out.mp4", clips: 2, forwards: 48 },
  ],
  error: [
    { type: "error", message: "CUDA out of memory. Tried to allocate 2.00 GiB", phase: "load", errorClass: "out-of-memory", needBytes: 2 ** 31 },
    { type: "error", message: "LiveAvatar is not installed on this host", errorClass: "not-installed", phase: null },
  ],
};
