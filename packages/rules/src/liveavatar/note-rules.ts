import type { Note } from "@headroom/estimator";
import type { Rule } from "../rule.ts";

const noteMessage = (note: Note): string => {
  const sides = [note.reported ? `report: ${note.reported}` : null, note.predicted ? `Headroom: ${note.predicted}` : null].filter((side) => side !== null);
  return sides.length > 0 ? `${note.message} (${sides.join("; ")})` : note.message;
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
