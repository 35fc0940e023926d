/** Where a number comes from: every constant and every estimate term carries one. */
export type SourceKind = "architecture" | "upstream" | "measurement" | "field-report" | "datasheet" | "assumption";

export type Source = {
  kind: SourceKind;
  /** A citation a person can follow: `FR-3`, an upstream file, a measurement file, a datasheet. */
  ref: string;
  note?: string;
};

export const arch = (ref: string, note?: string): Source => ({ kind: "architecture", ref, ...(note ? { note } : {}) });
export const upstream = (ref: string, note?: string): Source => ({ kind: "upstream", ref, ...(note ? { note } : {}) });
export const measured = (ref: string, note?: string): Source => ({ kind: "measurement", ref, ...(note ? { note } : {}) });
export const fieldReport = (ref: string, note?: string): Source => ({ kind: "field-report", ref, ...(note ? { note } : {}) });
export const datasheet = (ref: string, note?: string): Source => ({ kind: "datasheet", ref, ...(note ? { note } : {}) });
export const assumption = (ref: string, note?: string): Source => ({ kind: "assumption", ref, ...(note ? { note } : {}) });
