import fitted from "./fitted.json" with { type: "json" };
import { measured } from "./sources.ts";

/**
 * The estimator's free terms, fitted to the probe runs under data/measurements by `npm run fit`
 * (scripts/fit-estimator.ts); everything else is architecture or upstream source.
 */
export const FITTED = fitted.constants;

export const FITTED_SOURCE = measured(
  `fitted.json: ${fitted.measurements.length} runs in data/measurements, fitted ${fitted.fittedAt} by \`${fitted.command}\``,
);
