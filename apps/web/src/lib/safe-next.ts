/** Where to go after signing in when `next` is missing or unsafe. */
const HOME = "/";

// A path, then an optional query and fragment, from characters a URL path carries as they are (no backslash,
// no control or space characters, no percent escapes that could decode to a slash or backslash).
const SAFE_PATH = /^\/(?![/\\])[\w%\-.~!$&'()*+,;=:@/?#]*$/;
const ENCODED = /%(?![0-9A-Fa-f]{2})|%(2f|5c|0[0-9a-f]|1[0-9a-f]|7f|25)/i;

/**
 * Only same-origin relative paths are followed after signing in (no open redirects): `/team`, `/invite/abc?x=1`.
 * Anything else — `//host`, `/\host`, a scheme, a backslash, control characters, encoded slashes or backslashes —
 * falls back to `/`.
 */
export const safeNext = (next: string | string[] | undefined): string => {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || value.length > 2000 || !SAFE_PATH.test(value) || ENCODED.test(value)) return HOME;
  // The last word is the URL parser's: the path must resolve on our own origin, unchanged in where it points.
  const base = "http://same.invalid";
  const url = new URL(value, base);
  return url.origin === base ? value : HOME;
};
