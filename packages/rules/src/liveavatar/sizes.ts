import { parseSize, SUPPORTED_SIZES } from "@headroom/estimator";

type Orientation = "landscape" | "portrait" | "square";
type SizeShape = { size: string; width: number; height: number; area: number; orientation: Orientation };

const shapeOf = (size: string): SizeShape => {
  const { width, height } = parseSize(size);
  const orientation = width > height ? "landscape" : width < height ? "portrait" : "square";
  return { size, width, height, area: width * height, orientation };
};

/** Parsed once, largest area first: suggest() asks on every candidate. */
const SUPPORTED_SHAPES: readonly SizeShape[] = SUPPORTED_SIZES.map(shapeOf).sort((a, b) => b.area - a.area);

export const isSupportedSize = (size: string): boolean => (SUPPORTED_SIZES as readonly string[]).includes(size);

/** Aspect follows the input image upstream, so a replacement keeps the orientation; a square size may take any. */
const sameOrientation = (shape: SizeShape): readonly SizeShape[] =>
  SUPPORTED_SHAPES.filter((candidate) => shape.orientation === "square" || candidate.orientation === shape.orientation);

/** Distance in log-space on each side: 704*384 → 688*368 is near, → 1280*720 is far. */
const sizeDistance = (a: SizeShape, b: SizeShape): number =>
  Math.abs(Math.log(a.width / b.width)) + Math.abs(Math.log(a.height / b.height));

export const nearestSupportedSize = (size: string): string => {
  const shape = shapeOf(size);
  const ranked = [...sameOrientation(shape)].sort((a, b) => sizeDistance(shape, a) - sizeDistance(shape, b) || b.area - a.area);
  return ranked[0]?.size ?? "704*384";
};

/** Supported sizes of the same orientation with a smaller area, nearest (largest) first. */
export const smallerSupportedSizes = (size: string): string[] => {
  const shape = shapeOf(size);
  return sameOrientation(shape)
    .filter((candidate) => candidate.area < shape.area)
    .map((candidate) => candidate.size);
};
