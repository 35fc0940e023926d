import type { Term } from "./estimate-types.ts";
import type { Source } from "./sources.ts";

/** Bytes or seconds of the terms a formula lists; null stands for a term the plan leaves out. */
export const sumBytes = (terms: readonly (Term | null)[]): number => {
  let sum = 0;
  for (const term of terms) if (term !== null) sum += term.value;
  return sum;
};

export const bytesTerm = (
  id: string,
  label: string,
  value: number,
  kind: Term["kind"],
  inputs: Term["inputs"],
  source: Source,
): Term => ({ id, label, value, unit: "bytes", kind, inputs, source });

export const secondsTerm = (id: string, label: string, value: number, inputs: Term["inputs"], source: Source): Term => ({
  id,
  label,
  value,
  unit: "seconds",
  kind: "transient",
  inputs,
  source,
});
