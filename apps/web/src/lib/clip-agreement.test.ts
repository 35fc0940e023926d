import { clipCount, estimate, launchCommand, resolvePlan, type PlanInput } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { describePlan } from "./describe-plan";
import { launchInputsFor, uploadPath } from "./launch-inputs";
import { clipsForAudio } from "./plan-edit";

const numClipFlag = (input: PlanInput) => {
  const args = launchCommand(resolvePlan(input)).args;
  return Number(args[args.indexOf("--num_clip") + 1]);
};

/** Issue 14: after an upload the estimate used 4 clips while the form, the job title and the jobs list said 100. */
describe("once the audio's length is known, every page says the same clips", () => {
  it.each([
    // ⌈25 · 7.5 / 48⌉ = 4 clips of 48 frames: 7.68 s of video
    [{ params: { numClip: 100, audioSeconds: 7.5 } }, 4, "4 clips · 7.7 s video"],
    // the scripts' "whole audio" (10000) on a 4 s upload, as the e2e test uploads: ⌈25 · 4 / 48⌉ = 3
    [{ params: { audioSeconds: 4 } }, 3, "3 clips · 5.8 s video"],
    // num_clip shorter than the audio: num_clip runs
    [{ params: { numClip: 2, audioSeconds: 60 } }, 2, "2 clips · 3.8 s video"],
    [{ hardware: { count: 5 }, params: { numClip: 100, audioSeconds: 7.5, inferFrames: 24 } }, 8, "8 clips · 7.7 s video"],
  ] as [PlanInput, number, string][])("%j: %i clips", (input, clips, words) => {
    const plan = resolvePlan(input);
    expect(estimate(plan).speed.clips).toBe(clips);
    expect(clipCount(plan).clips).toBe(clips);
    expect(numClipFlag(input)).toBe(clips);
    expect(describePlan(plan)).toContain(` · ${words} · `);
    expect(clipsForAudio(plan.params.audioSeconds!, plan.params.inferFrames)).toBeGreaterThanOrEqual(clips);
  });

  it("before the audio is known, num_clip is a ceiling, never a promise", () => {
    expect(describePlan(resolvePlan({ params: { numClip: 100 } }))).toBe("1 × H100 80GB HBM3 (SXM) · 704*384 · up to 100 clips · single GPU · fp8");
    expect(describePlan(resolvePlan({}))).toContain(" · whole audio · ");
    expect(numClipFlag({ params: { numClip: 100 } })).toBe(100);
    expect(numClipFlag({})).toBe(10000);
  });
});

describe("launch inputs", () => {
  it("names the uploads as picked, else by their type; the prompt trimmed; the script's examples for what is missing", () => {
    expect(uploadPath({ kind: "image", mime: "image/png", name: "face.png" })).toBe("face.png");
    expect(uploadPath({ kind: "audio", mime: "audio/mpeg" })).toBe("audio.mp3");
    expect(uploadPath({ kind: "image", mime: "image/jpeg", name: "  " })).toBe("reference.jpg");
    expect(launchInputsFor([{ kind: "audio", mime: "audio/wav" }, null], "  Calm voice. ")).toEqual({ audio: "audio.wav", prompt: "Calm voice." });
    expect(launchInputsFor([], null)).toEqual({});
  });
});
