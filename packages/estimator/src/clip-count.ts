import { getProfile } from "./model-profile.ts";
import type { Plan } from "./plan.ts";
import { clipsToGenerate, WHOLE_AUDIO_NUM_CLIP } from "./throughput.ts";

/**
 * What every page says about clips, from one place: with the audio's length known, the clips that will run (num_clip
 * capped by the audio, as upstream caps it: causal_s2v_pipeline.py "if num_repeat is None or num_repeat > nr") and the
 * video they make; without it, num_clip as given (10000 = "the whole audio", whose length nobody knows yet).
 */
export type ClipCount = {
  /** Clips that will run; null while the audio is unknown and num_clip means "the whole audio". */
  clips: number | null;
  /** Seconds of video those clips make (clips × infer_frames / sample_fps); null with clips. */
  videoSeconds: number | null;
  /** The audio ends before num_clip does: fewer clips run than num_clip asks. */
  isCappedByAudio: boolean;
  /** The value to pass as --num_clip: the clips that will run once the audio is known (upstream would cap it anyway). */
  numClipFlag: number;
};

export const clipCount = (plan: Pick<Plan, "model" | "params">): ClipCount => {
  const { params } = plan;
  const fps = getProfile(plan.model).sampleFps;
  if (params.audioSeconds === null) {
    const clips = params.numClip >= WHOLE_AUDIO_NUM_CLIP ? null : params.numClip;
    return { clips, videoSeconds: clips === null ? null : (clips * params.inferFrames) / fps, isCappedByAudio: false, numClipFlag: params.numClip };
  }
  const clips = clipsToGenerate(params, fps);
  return { clips, videoSeconds: (clips * params.inferFrames) / fps, isCappedByAudio: clips < params.numClip, numClipFlag: clips };
};

/** "4 clips · 7.7 s video" once the audio is known; before it, num_clip is only a ceiling: "up to 100 clips", "whole audio". */
export const formatClipCount = (count: ClipCount, audioSeconds: number | null): string => {
  if (count.clips === null) return "whole audio";
  const clips = `${count.clips} clip${count.clips === 1 ? "" : "s"}`;
  return audioSeconds === null ? `up to ${clips}` : `${clips} · ${count.videoSeconds!.toFixed(1)} s video`;
};
