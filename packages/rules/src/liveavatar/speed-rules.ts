import { formatFpsRange, roundRange } from "@headroom/estimator";
import { formatDuration } from "../format.ts";
import type { Rule } from "../rule.ts";
import { SLOW_FPS, SLOW_OFFLOAD_SHARE } from "../thresholds.ts";

export const SPEED_RULES: Rule[] = [
  {
    id: "speed/slow",
    severity: "warning",
    family: "speed",
    implies: "runs-slowly",
    cites: ["FR-12", "FR-14", "FR-15"],
    check: ({ estimate }) => {
      const { fps, fpsRange, offloadShare, videoSeconds, wallSecondsRange } = estimate.speed;
      if (fps >= SLOW_FPS && offloadShare < SLOW_OFFLOAD_SHARE) return null;
      const offload = offloadShare >= SLOW_OFFLOAD_SHARE ? `; ${Math.round(offloadShare * 100)} % of each forward is spent moving bytes over PCIe` : "";
      return {
        message: `${formatFpsRange(fpsRange)}: ${formatDuration(videoSeconds)} of video takes ${roundRange(wallSecondsRange).map(formatDuration).join(" to ")} wall time${offload}`,
        path: [],
      };
    },
  },
];
