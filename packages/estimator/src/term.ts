import type { Term } from "./estimate-types.ts";
import type { Source } from "./sources.ts";

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
