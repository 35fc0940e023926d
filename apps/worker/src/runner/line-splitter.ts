/** A line longer than this is cut and passed on, so a child that never writes "\n" cannot grow the buffer without end. */
export const MAX_LINE_CHARS = 64 * 1024;

export type LineSplitter = { push: (chunk: string) => void; end: () => void };

/** Splits a stream's text into "\n"-terminated lines (a trailing "\r" of CRLF is dropped); "\r" inside a line is kept. */
export const createLineSplitter = (onLine: (line: string) => void, maxLineChars = MAX_LINE_CHARS): LineSplitter => {
  let buffer = "";
  const emit = (line: string) => onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  return {
    push: (chunk) => {
      buffer += chunk;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        emit(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
      while (buffer.length > maxLineChars) {
        emit(buffer.slice(0, maxLineChars));
        buffer = buffer.slice(maxLineChars);
      }
    },
    end: () => {
      if (buffer !== "") emit(buffer);
      buffer = "";
    },
  };
};

/** What a terminal would show of a line redrawn with "\r" (tqdm): its last non-empty segment. */
export const lastSegment = (line: string): string => {
  const segments = line.split("\r").filter((s) => s.trim() !== "");
  return segments.at(-1) ?? "";
};
