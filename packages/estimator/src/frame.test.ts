import { describe, expect, it } from "vitest";
import { fitArea, generationFrame, MAX_AREA_CONFIGS } from "./frame.ts";

// causal_s2v_pipeline.py get_gen_size / get_size_less_than_area (~349–410, ~587–599), configs MAX_AREA_CONFIGS.
describe("generationFrame: the frame comes from the reference image, not from --size", () => {
  it("the scripts' 720×400 example image runs at 704×384 under --size 704*384 and 720*400 alike", () => {
    expect(generationFrame("704*384", null)).toEqual({ width: 704, height: 384 });
    expect(generationFrame("720*400", null)).toEqual({ width: 704, height: 384 });
    expect(generationFrame("720*400", "720*400")).toEqual({ width: 704, height: 384 });
  });
  it("follows the image's aspect: square, portrait", () => {
    expect(generationFrame("704*384", "1024*1024")).toEqual({ width: 512, height: 512 });
    expect(generationFrame("704*384", "1080*1920")).toEqual({ width: 384, height: 704 });
    expect(generationFrame("688*368", null)).toEqual({ width: 640, height: 384 });
  });
  it("pads a small image up to ×64 rather than scaling it up", () => {
    expect(generationFrame("720*1280", "720*400")).toEqual({ width: 768, height: 448 });
  });
  it("never exceeds the area budget and keeps both sides multiples of 64", () => {
    for (const [size, area] of Object.entries(MAX_AREA_CONFIGS)) {
      for (const image of ["720*400", "1080*1920", "333*777", "4000*3000", "64*64"]) {
        const { width, height } = generationFrame(size, image);
        expect([width % 64, height % 64, width * height <= area]).toEqual([0, 0, true]);
      }
    }
  });
  it("agrees with the probe's Python port on the same cases (apps/worker/python/tests/test_probe.py)", () => {
    expect(fitArea(1920, 1080, 720 * 400)).toEqual({ width: 704, height: 384 });
    expect(fitArea(400, 720, 720 * 400)).toEqual({ width: 384, height: 704 });
  });
});
