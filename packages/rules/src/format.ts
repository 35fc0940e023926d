/** Wall times span seconds to days; one readable unit is enough for a message. */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "forever";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
};
