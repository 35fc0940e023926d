"use client";
import { SUPPORTED_SIZES, type PlanField } from "@headroom/estimator";
import { useEffect, useState } from "react";
import type { FieldValue } from "@/lib/plan-edit";

export type Commit = (value: FieldValue, mode: "push" | "replace") => void;

const ENUM_LABELS: Record<string, Record<string, string>> = {};

/** What an empty optional field means, shown in it. */
const NOT_GIVEN: Record<string, string> = {
  host_ram_gb: "not given: how much RAM does the host have?",
  image_size: "from the reference image (720*400 assumed)",
  audio_seconds: "from the audio",
};

/** One Plan field as a form control, labelled with its upstream flag and help. */
export function PlanFieldInput({ field, value, onCommit, marker, labels, wide, note }: { field: PlanField; value: FieldValue; onCommit: Commit; marker?: "error" | "finding" | null; labels?: Record<string, string>; wide?: boolean; note?: string | null }) {
  const id = `f-${field.flag}`;
  const className = `field${wide ? " span-2" : ""}${marker === "error" ? " has-error" : marker === "finding" ? " has-finding" : ""}`;
  const flag = <span className={`field-flag${field.upstream ? "" : " not-upstream"}`} title={field.upstream ? "LiveAvatar flag" : "not an upstream flag: Headroom's or the field report's"}>--{field.flag}</span>;
  if (field.type === "bool") {
    return (
      <label className={`check${marker === "error" ? " has-error" : ""}`} htmlFor={id} title={field.help}>
        <input id={id} type="checkbox" checked={value === true} onChange={(event) => onCommit(event.target.checked, "push")} data-flag={field.flag} />
        <span>
          <span className="field-label">{flag}</span>
          <span className="field-help"> {field.help}</span>
        </span>
      </label>
    );
  }
  return (
    <div className={className}>
      <label className="field-label" htmlFor={id}>{flag}</label>
      {field.type === "enum" ? (
        <select id={id} value={String(value ?? "")} onChange={(event) => onCommit(event.target.value, "push")} data-flag={field.flag}>
          {field.values?.map((option) => <option key={option} value={option}>{labels?.[option] ?? ENUM_LABELS[field.flag]?.[option] ?? option}</option>)}
        </select>
      ) : (
        <TextInput id={id} field={field} value={value} onCommit={onCommit} />
      )}
      <span className="field-help">{field.help}</span>
      {note && <span className="field-note" data-testid={`field-note-${field.flag}`}>{note}</span>}
    </div>
  );
}

/** Numbers and sizes keep what is typed locally; only a valid value reaches the plan (and the URL). */
function TextInput({ id, field, value, onCommit }: { id: string; field: PlanField; value: FieldValue; onCommit: Commit }) {
  const shown = value === null ? "" : String(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(shown);
    setError(null);
  }, [shown]);
  const isNumber = field.type === "int" || field.type === "number";
  const commit = (raw: string) => {
    setText(raw);
    const trimmed = raw.trim();
    if (field.isOptional && trimmed === "") return (setError(null), onCommit(null, "replace"));
    if (isNumber) {
      const number = Number(trimmed);
      if (trimmed === "" || !Number.isFinite(number)) return setError("enter a number");
      if (field.type === "int" && !Number.isInteger(number)) return setError("enter a whole number");
      if (number <= 0 && field.key !== "sampleGuideScale") return setError("must be above 0");
      setError(null);
      return onCommit(number, "replace");
    }
    if ((field.key === "size" || field.key === "imageSize") && !/^[1-9]\d{1,4}\*[1-9]\d{1,4}$/.test(trimmed)) return setError("write it as W*H, e.g. 704*384");
    if (trimmed === "") return setError("enter a value");
    setError(null);
    onCommit(trimmed, "replace");
  };
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode={isNumber ? "decimal" : "text"}
        value={text}
        onChange={(event) => commit(event.target.value)}
        list={field.key === "size" ? "supported-sizes" : undefined}
        data-flag={field.flag}
        placeholder={field.isOptional ? NOT_GIVEN[field.flag] : undefined}
        aria-invalid={error !== null}
      />
      {field.key === "size" && (
        <datalist id="supported-sizes">
          {SUPPORTED_SIZES.map((size) => <option key={size} value={size} />)}
        </datalist>
      )}
      {error && <span className="field-error">{error}</span>}
    </>
  );
}
