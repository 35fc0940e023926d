import { measured } from "./sources.ts";
import { GIB } from "./units.ts";

/** The error bar Headroom states on every report; the calibration test holds every measured plan to it. */
export const ERROR_BAR = {
  relative: 0.03,
  absoluteBytes: 0.5 * GIB,
  source: measured("held by the calibration test over every run in data/measurements (npm run headroom -- calibration)"),
};

/** Host RAM: the probe's peak RSS against the host terms it reproduces (calibration.ts compareHostRam). */
export const HOST_RAM_ERROR_BAR = {
  relative: 0.1,
  absoluteBytes: 2 * GIB,
  source: measured("held by the calibration test over every run in data/measurements with host readings"),
};
