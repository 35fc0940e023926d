// What leaves this host for a person's screen (job events, the run log) names files, never where they live here: the
// scratch folder, the LiveAvatar checkout, Python's site-packages are this machine's business (the brief: no client
// reads a server path). A file keeps its name, so "saved to …/video.mp4" and a traceback's "…/attention.py" still help.

// An absolute path: "/" not preceded by a word, ".", ":" or "/" (so "and/or", "./x", "http://x/y" stay), then at least
// one folder. Windows paths never occur on a GPU host.
const ABSOLUTE_PATH = /(?<![\w.:/~-])\/(?:[\w.@+-]+\/)+([\w.@+-]*)/g;

export const hideHostPaths = (text: string): string => text.replace(ABSOLUTE_PATH, (_whole, name: string) => `…/${name}`);

/** Every string inside a JSON-like value, with hideHostPaths applied (a copy; the input is left as it is). */
export const hideHostPathsDeep = <T>(value: T): T => {
  if (typeof value === "string") return hideHostPaths(value) as T;
  if (Array.isArray(value)) return value.map(hideHostPathsDeep) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, hideHostPathsDeep(inner)])) as T;
  }
  return value;
};
