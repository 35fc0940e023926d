import { parseSize } from "./plan.ts";

/** wan_2_2/configs/__init__.py MAX_AREA_CONFIGS: `--size` is an area budget for the frame, not the frame. */
export const MAX_AREA_CONFIGS: Readonly<Record<string, number>> = {
  "720*1280": 720 * 1280, "1280*720": 1280 * 720, "480*832": 480 * 832, "832*480": 832 * 480,
  "704*1280": 704 * 1280, "1280*704": 1280 * 704, "1024*704": 1024 * 704, "704*1024": 704 * 1024,
  "720*400": 720 * 400, "704*384": 704 * 384, "688*368": 688 * 368, "384*256": 384 * 256,
};

/** The image the launch scripts pass (examples/, 720×400): assumed when a plan names no image. */
export const EXAMPLE_IMAGE_SIZE = "720*400";

export type Frame = { width: number; height: number };

const pad64 = (n: number): number => n + ((64 - (n % 64)) % 64);

/**
 * causal_s2v_pipeline.py get_size_less_than_area (~349–410): try 100 scales from the one without padding down to the
 * one that leaves room for the most padding; the first whose ×64-padded frame fits the area wins.
 */
export const fitArea = (width: number, height: number, area: number): Frame => {
  let lo = 0.1;
  let hi = 1;
  if (width * height > area) {
    const b = 63 * (height + width);
    const a = height * width;
    const c = 63 ** 2 - area;
    lo = (-b + Math.sqrt(b ** 2 - 2 * a * c)) / (2 * a);
    hi = Math.sqrt(area / (height * width));
  }
  for (let i = 0; i < 100; i++) {
    const scale = hi - ((hi - lo) * i) / 100;
    const h = pad64(Math.trunc(height * scale));
    const w = pad64(Math.trunc(width * scale));
    if (h * w <= area) return { width: w, height: h };
  }
  const aspect = width / height;
  const tw = Math.floor(Math.sqrt(area * aspect) / 64) * 64;
  const th = Math.floor(Math.sqrt(area / aspect) / 64) * 64;
  return tw >= width || th >= height ? { width: Math.floor(width / 64) * 64, height: Math.floor(height / 64) * 64 } : { width: tw, height: th };
};

/** get_gen_size (P1 ~587–599): the frame a run generates from its reference image under MAX_AREA_CONFIGS[size]. */
export const generationFrame = (size: string, imageSize: string | null): Frame => {
  const image = parseSize(imageSize ?? EXAMPLE_IMAGE_SIZE);
  const budget = MAX_AREA_CONFIGS[size] ?? parseSize(size).width * parseSize(size).height;
  return fitArea(image.width, image.height, budget);
};
