import { HARDWARE_RULES } from "./liveavatar/hardware-rules.ts";
import { MEASURED_RULES } from "./liveavatar/measured-rules.ts";
import { MEMORY_RULES } from "./liveavatar/memory-rules.ts";
import { NOTE_RULES } from "./liveavatar/note-rules.ts";
import { RED_LINE_RULES } from "./liveavatar/red-line-rules.ts";
import { SOURCE_RULES } from "./liveavatar/source-rules.ts";
import { SPEED_RULES } from "./liveavatar/speed-rules.ts";
import { UPSTREAM_RULES } from "./liveavatar/upstream-rules.ts";
import type { Rule } from "./rule.ts";

/** The LiveAvatar pack, in the order findings are listed within a severity. */
export const LIVEAVATAR_RULES: readonly Rule[] = [
  ...UPSTREAM_RULES,
  ...SOURCE_RULES,
  ...RED_LINE_RULES,
  ...MEMORY_RULES,
  ...MEASURED_RULES,
  ...HARDWARE_RULES,
  ...SPEED_RULES,
  ...NOTE_RULES,
];
