import { PLAN_FIELDS, type PlanField } from "@headroom/estimator";
import { describeValue } from "./args.ts";

const GROUP_TITLES: Record<PlanField["group"], string> = {
  model: "Model",
  params: "LiveAvatar parameters",
  parallel: "Parallelism",
  hardware: "Hardware",
  custom: "Custom GPU (with --gpu custom)",
};

const HELP_COLUMN = 44;

const flagLine = (field: PlanField): string => {
  const name = `--${field.flag.replaceAll("_", "-")} ${field.type === "bool" ? "[true|false]" : `<${describeValue(field)}>`}`;
  const help = `${field.upstream ? "" : "* "}${field.help}`;
  // A long list of values pushes the help onto its own line rather than out of the column.
  return name.length > HELP_COLUMN - 2 ? `  ${name}\n  ${"".padEnd(HELP_COLUMN)}${help}` : `  ${name.padEnd(HELP_COLUMN)}${help}`;
};

/** The help text, generated from the one table of plan fields so it never drifts from the parser. */
export const formatUsage = (): string => {
  const groups = Object.entries(GROUP_TITLES).map(([group, title]) => {
    const lines = PLAN_FIELDS.filter((field) => field.group === group).map(flagLine);
    return [`${title}:`, ...lines].join("\n");
  });
  return [
    "Usage: headroom check [flags]",
    "",
    "Predicts whether a LiveAvatar run fits the GPUs, why, and the nearest plan that does.",
    "Flags are LiveAvatar's own in kebab-case (--num-clip) or as upstream spells them (--num_clip);",
    "--flag value and --flag=value both work; a bare boolean flag means true, --no-<flag> means false.",
    "Anything left out follows the upstream launch script for the GPU count",
    "(infinite_inference_single_gpu.sh for 1 GPU, infinite_inference_multi_gpu.sh for more).",
    "",
    "Example: headroom check --gpu rtx-4090 --count 5 --size 704*384 --num-clip 100",
    "",
    "       headroom rank [flags] [--by cost|fps] [--json]",
    "Which GPUs? The same flags on every catalog GPU at 1, 2, 4, 5 and 8 GPUs (upstream's layout for each count),",
    "best first: verdict, then $ per minute of video (or FPS with --by fps), with $/hour from a dated price table.",
    "Example: headroom rank --size 720*400",
    "",
    ...groups.flatMap((group) => [group, ""]),
    "* not a LiveAvatar flag: Headroom's own, or the field report's.",
    "",
    "Reference image (decides the frame the run generates; without one, the scripts' 720*400 example is assumed):",
    `  ${"--image <path>".padEnd(HELP_COLUMN)}read image_size from a PNG, JPEG or WebP file's header`,
    "",
    "Output:",
    `  ${"--json".padEnd(HELP_COLUMN)}one JSON object: { plan, estimate, verdict, suggestions }`,
    `  ${"--no-suggest".padEnd(HELP_COLUMN)}skip the search for plans that fit`,
    `  ${"--help, -h".padEnd(HELP_COLUMN)}this help`,
    "",
    "Exit codes: 0 checked (whatever the verdict), 2 bad command line, 1 unexpected error.",
  ].join("\n");
};
