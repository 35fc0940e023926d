import { assumption } from "./sources.ts";
import { GIB } from "./units.ts";

/** The error bar Headroom states on every report; the calibration test holds every measured plan to it. */
export const ERROR_BAR = {
  relative: 0.03,
  absoluteBytes: 0.5 * GIB,
  source: assumption("target: max(3 %, 0.5 GiB) of the measured peak, held by the calibration test over data/measurements"),
};
