import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolvePlan } from "@headroom/estimator";
import type { WorkerEvent } from "@headroom/protocol";
import { audioClips, blocksPerClip, expectedProgress } from "./expected-progress.ts";
import { createLiveAvatarState, finishLiveAvatar, translateLiveAvatarLine, type LiveAvatarState } from "./translate.ts";

/** The fixture's lines without its "# " header (the fixtures are reconstructed, see fixtures/README.md). */
const lines = (name: string): string[] =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8").split("\n").filter((line, i, all) => !line.startsWith("# ") && (line !== "" || i < all.length - 1));

/** Replays stdout with the stderr bars where they fall in time: after the last "complete prepare conditional inputs". */
const replay = (scenario: string, state: LiveAvatarState): WorkerEvent[] => {
  const stdout = lines(`${scenario}.stdout.reconstructed.txt`);
  const cut = stdout.lastIndexOf("complete prepare conditional inputs") + 1 || stdout.length;
  const translate = (stream: "stdout" | "stderr") => (line: string) => translateLiveAvatarLine(line, state, stream);
  return [
    ...stdout.slice(0, cut).flatMap(translate("stdout")),
    ...lines(`${scenario}.stderr.reconstructed.txt`).flatMap(translate("stderr")),
    ...stdout.slice(cut).flatMap(translate("stdout")),
  ];
};

const of = <T extends WorkerEvent["type"]>(events: WorkerEvent[], type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
const phases = (events: WorkerEvent[]) => of(events, "phase").map((e) => `${e.state} ${e.phase}`);

describe("expectedProgress", () => {
  it("counts blocks per clip the way the pipeline does", () => {
    expect([12, 48, 80].map(blocksPerClip)).toEqual([1, 4, 6]);
    expect(audioClips(10, 48)).toBe(6); // int(10 · 25 / 48) + 1
  });
  it("caps num_clip by the audio, and knows no total for 'the whole audio' of unknown length", () => {
    const single = resolvePlan({});
    expect(expectedProgress(single, 5)).toEqual({ clips: 3, bars: 12, forwards: 48, ranks: 1, steps: 4 });
    expect(expectedProgress(single, null)).toMatchObject({ clips: null, bars: null, forwards: null });
    expect(expectedProgress(resolvePlan({ params: { numClip: 3 } }), null)).toMatchObject({ clips: 3, bars: 12 });
    expect(expectedProgress(resolvePlan({ hardware: { count: 5 }, params: { numClip: 2 } }), null)).toEqual({ clips: 2, bars: 40, forwards: 32, ranks: 5, steps: 4 });
  });
});

describe("translateLiveAvatarLine on the single-GPU log", () => {
  const state = createLiveAvatarState(expectedProgress(resolvePlan({ params: { numClip: 3 } }), null), true);
  const events = replay("single-gpu", state);

  it("walks the phases in order", () => {
    expect(phases(events)).toEqual(["start load", "end load", "start encode", "end encode", "start denoise", "end denoise", "start decode", "end decode", "start save"]);
  });

  it("counts the twelve bars as 48 of 48 forwards, once per bar despite tqdm's double 100% redraw", () => {
    const progress = of(events, "progress");
    expect(progress).toHaveLength(12);
    expect(progress.at(0)).toEqual({ type: "progress", phase: "denoise", forward: 4, of: 48 });
    expect(progress.at(-1)).toMatchObject({ forward: 48, of: 48 });
    expect(state.barsDone).toBe(12);
  });

  it("reports the merged video and the result, and logs every non-bar line with its level", () => {
    expect(of(events, "artifact")).toEqual([{ type: "artifact", kind: "video", path: "/var/lib/headroom/jobs/42/video.mp4" }]);
    expect(of(events, "result")).toEqual([{ type: "result", runner: "liveavatar", video: "/var/lib/headroom/jobs/42/video.mp4", clips: 3, forwards: 48 }]);
    const logs = of(events, "log");
    expect(logs.find((l) => l.message === "Creating WanS2V pipeline.")).toEqual({ type: "log", level: "info", stream: "stdout", message: "Creating WanS2V pipeline." });
    expect(logs.some((l) => l.message.includes("it/s"))).toBe(false);
    expect(of(events, "error")).toEqual([]);
  });

  it("adds nothing at a clean finish but the closing phase and progress", () => {
    const tail = finishLiveAvatar(state, { exitCode: 0, saveFile: "/var/lib/headroom/jobs/42/video.mp4", saveFileExists: true });
    expect(tail).toEqual([{ type: "phase", phase: "save", state: "end" }, { type: "progress", phase: "denoise", forward: 48, of: 48 }]);
  });
});

describe("translateLiveAvatarLine on the TPP log", () => {
  const plan = resolvePlan({ hardware: { count: 5 }, params: { numClip: 2 } });
  const state = createLiveAvatarState(expectedProgress(plan, null), false);
  const events = replay("tpp", state);

  it("counts 40 bars from five ranks as the 32 forwards of 2 clips × 4 blocks × 4 steps", () => {
    expect(state.barsDone).toBe(40);
    expect(of(events, "progress").at(-1)).toMatchObject({ forward: 32, of: 32 });
  });

  it("gets the video only from the finish, since the saving rank never logs it", () => {
    expect(of(events, "artifact")).toEqual([]);
    expect(of(events, "result")).toEqual([]);
    const tail = finishLiveAvatar(state, { exitCode: 0, saveFile: "/jobs/7/video.mp4", saveFileExists: true });
    expect(tail.filter((e) => e.type === "artifact" || e.type === "result")).toEqual([
      { type: "artifact", kind: "video", path: "/jobs/7/video.mp4" },
      { type: "result", runner: "liveavatar", video: "/jobs/7/video.mp4", clips: 2, forwards: 32 },
    ]);
  });

  it("logs torchrun's warnings from stderr at warning level", () => {
    expect(of(events, "log").find((l) => l.message.includes("OMP_NUM_THREADS"))).toMatchObject({ level: "warning", stream: "stderr" });
  });
});

describe("translateLiveAvatarLine on an out-of-memory", () => {
  it("reports the OOM once, at the phase it hit, with the bytes it tried to allocate", () => {
    const state = createLiveAvatarState(expectedProgress(resolvePlan({}), 20), true);
    const events = replay("oom-load", state);
    expect(of(events, "error")).toEqual([
      {
        type: "error",
        errorClass: "out-of-memory",
        phase: "load",
        needBytes: 270 * 1024 ** 2,
        message: expect.stringMatching(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 270\.00 MiB\. GPU 0 has a total capacity of 23\.65 GiB/),
      },
    ]);
    expect(finishLiveAvatar(state, { exitCode: 1, saveFile: "/x.mp4", saveFileExists: false })).toEqual([]);
  });

  it("names the denoise phase when the OOM comes between bars", () => {
    const state = createLiveAvatarState(expectedProgress(resolvePlan({ params: { numClip: 1 } }), null), true);
    const events = ["complete prepare conditional inputs", "\r  0%|          | 0/4 [00:00<?, ?it/s]", "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 GiB total capacity)"]
      .flatMap((line) => translateLiveAvatarLine(line, state));
    expect(of(events, "error")).toMatchObject([{ phase: "denoise", needBytes: 2 * 1024 ** 3 }]);
  });
});

describe("interleaved TPP bars", () => {
  it("counts a bar closed inside another rank's redraws", () => {
    const state = createLiveAvatarState(expectedProgress(resolvePlan({ hardware: { count: 5 }, params: { numClip: 1 } }), null), false);
    // rank 0 starts its bar; rank 4 opens and closes its own (instant) bar on the same line; rank 0 closes later.
    const events = ["\r  0%|          | 0/4 [00:00<?, ?it/s]\r  0%|          | 0/4 [00:00<?, ?it/s]\r100%|██████████| 4/4 [00:00<00:00, 9000.00it/s]", "\r 25%|██▌       | 1/4\r100%|██████████| 4/4 [00:01<00:00,  3.10it/s]"]
      .flatMap((line) => translateLiveAvatarLine(line, state, "stderr"));
    expect(state.barsDone).toBe(2);
    expect(of(events, "progress").map((p) => p.forward)).toEqual([0, 1]);
  });
});
