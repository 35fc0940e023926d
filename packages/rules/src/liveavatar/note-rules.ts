import type { Note } from "@headroom/estimator";
import type { Rule } from "../rule.ts";

const noteMessage = (note: Note): string => {
  const reported = note.reported ? `report: ${note.reported}` : null;
  const predicted = note.predicted ? `Headroom: ${note.predicted}` : null;
  if (reported && predicted) return `${note.message} (${reported}; ${predicted})`;
  const side = reported ?? predicted;
  return side ? `${note.message} (${side})` : note.message;
};

/** Report-vs-source disagreements the estimator found: shown beside the verdict, never changing it. */
export const NOTE_RULES: Rule[] = [
  {
    id: "field-report/estimate-notes",
    severity: "info",
    family: "field-report",
    implies: "runs",
    cites: [],
    check: ({ estimate }) => estimate.notes.map((note) => ({ message: noteMessage(note), path: [], cites: note.cites })),
  },
];
