import { showScriptValue, type LaunchReport, type ScriptDifference } from "@headroom/estimator";
import type { Paint } from "./format-units.ts";

/** "--offload_model True → False" for each flag the plan changes against the upstream script. */
export const formatScriptDifference = ({ flag, script, plan }: ScriptDifference): string =>
  `${flag} ${showScriptValue(script, plan)} → ${showScriptValue(plan, script)}`;

/**
 * The command as it pastes into a shell (not indented, so a copy from the terminal runs as is), then every flag that differs
 * from the upstream script for the GPU count.
 */
export const formatLaunch = ({ command, differences, script }: LaunchReport, paint: Paint): string[] => [
  paint.bold("Launch command") + paint.dim("  (run in a LiveAvatar checkout; image, audio and prompt are the script's examples unless given)"),
  command.text,
  differences.length === 0
    ? paint.dim(`Same flags as ${script}.`)
    : `${paint.bold(`Differs from ${script}`)}: ${differences.map(formatScriptDifference).join(", ")}`,
];

/** --json's launchCommand: the text to paste, the process it starts, the notes and the differences from the script. */
export const toJsonLaunch = ({ command, differences, script }: LaunchReport) => ({
  text: command.text,
  env: Object.fromEntries(command.env),
  command: "torchrun",
  args: command.args,
  notes: command.notes,
  script,
  differsFromScript: differences,
});
