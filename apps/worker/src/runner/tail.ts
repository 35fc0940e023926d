/** Keeps the last `maxLines` lines (each cut to `maxLineChars`) for error messages and failure classification. */
export const createTail = (maxLines = 60, maxLineChars = 2000) => {
  const lines: string[] = [];
  return {
    add: (line: string) => {
      lines.push(line.length > maxLineChars ? `${line.slice(0, maxLineChars)}…` : line);
      if (lines.length > maxLines) lines.shift();
    },
    text: () => lines.join("\n"),
  };
};
