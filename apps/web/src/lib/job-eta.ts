/**
 * Seconds left in a running job. The prediction (the estimate's wall time, for a runner that does the plan's
 * whole work) is corrected by the measured rate as progress grows: the total is the two blended with weight
 * `progress` on the measured one, so at 0 % it is the prediction and near 100 % it is the rate seen so far.
 * Without a prediction (the probe runs a few forwards, not the video) the rate alone answers once 5 % is done.
 */
export const etaSeconds = (input: { predictedWallSeconds: number | null; elapsedSeconds: number; progress: number }): number | null => {
  const { predictedWallSeconds: predicted, elapsedSeconds: elapsed } = input;
  const progress = Math.min(1, Math.max(0, input.progress));
  const measuredTotal = progress >= 0.05 ? elapsed / progress : null;
  if (predicted === null) return measuredTotal === null ? null : Math.max(0, measuredTotal - elapsed);
  const total = measuredTotal === null ? predicted : (1 - progress) * predicted + progress * measuredTotal;
  return Math.max(0, total - elapsed);
};
