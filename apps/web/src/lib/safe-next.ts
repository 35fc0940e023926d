/** Only same-site paths are followed after signing in (no open redirects). */
export const safeNext = (next: string | string[] | undefined): string => {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
};
