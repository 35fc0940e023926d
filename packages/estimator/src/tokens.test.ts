import { describe, expect, it } from "vitest";
import { getProfile } from "./model-profile.ts";
import { blocksPerClip, latentFramesPerClip, tokensPerFrameOf } from "./tokens.ts";

const profile = getProfile("liveavatar-1.0");

describe("tokens (liveavatar.md: 1,056 tokens per latent frame at 704×384)", () => {
  it("48 frames give 12 latent frames in 4 blocks", () => {
    expect(latentFramesPerClip(48, profile)).toBe(12);
    expect(blocksPerClip(48, profile)).toBe(4);
  });
  it("704*384 gives 1,056 tokens per latent frame and 3,168 per block", () => {
    expect(tokensPerFrameOf(704, 384, profile)).toBe(1056);
    expect(tokensPerFrameOf(704, 384, profile) * profile.framesPerLatentBlock).toBe(3168);
  });
  it("more frames never mean fewer latent frames", () => {
    for (let frames = 1; frames < 200; frames++) {
      expect(latentFramesPerClip(frames + 1, profile)).toBeGreaterThanOrEqual(latentFramesPerClip(frames, profile));
    }
  });
});
