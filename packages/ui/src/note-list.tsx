import type { Note } from "@headroom/estimator";
import { Cite } from "./source-tag.tsx";

/** Where the field report's numbers sit beside Headroom's, and where the source contradicts the report. */
export function NoteList({ notes }: { notes: readonly Note[] }) {
  if (notes.length === 0) return <p className="muted small">No field-report numbers apply to this plan.</p>;
  return (
    <ul className="notes" data-testid="notes">
      {notes.map((note) => (
        <li key={note.id} className="note">
          <p>{note.message}</p>
          {(note.reported || note.predicted) && (
            <table className="note-compare">
              <tbody>
                {note.reported && (
                  <tr><th><span className="src-tag src-field-report">field report</span></th><td>{note.reported}</td></tr>
                )}
                {note.predicted && (
                  <tr><th><span className="src-tag src-architecture">Headroom</span></th><td>{note.predicted}</td></tr>
                )}
              </tbody>
            </table>
          )}
          <div className="finding-meta">{note.cites.map((cite) => <Cite key={cite} cite={cite} />)}</div>
        </li>
      ))}
    </ul>
  );
}
