import { coerceField, findField, planFromEntries, type Plan, type PlanField } from "@headroom/estimator";

/** One plan flag as the user typed it: the spelling is kept so errors name the flag they wrote. */
export type PlanFlag = { field: PlanField; typed: string; raw: string };

/** `image` is --image's path: run-cli reads the file's size into image_size. */
export type CheckArgs = { plans: PlanFlag[]; image: string | null; json: boolean; suggest: boolean; help: boolean };

export type CalibrationArgs = { json: boolean; dir: string | null };

/** `rank` takes check's plan flags, --json and --image, plus --by cost|fps. */
export type RankArgs = CheckArgs & { by: "cost" | "fps" };

export type Command = { kind: "help" } | ({ kind: "check" } & CheckArgs) | ({ kind: "rank" } & RankArgs) | ({ kind: "calibration" } & CalibrationArgs);

/** `flag` is the flag as typed (with its dashes), or null when the error is about the command line as a whole. */
export type ArgError = { flag: string | null; message: string; showUsage: boolean };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ArgError };

export const COMMANDS = ["check", "rank", "calibration", "help"] as const;

const fail = (flag: string | null, message: string, showUsage = false): { ok: false; error: ArgError } =>
  ({ ok: false, error: { flag, message, showUsage } });

const isFlag = (token: string | undefined): boolean => token !== undefined && token.startsWith("--");

/** argv without `node` and the script: `check --gpu rtx-4090 --count=5 --t5-cpu --fp8 False`. */
export const parseArgs = (argv: readonly string[]): Parsed<Command> => {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { ok: true, value: { kind: "help" } };
  }
  if (command === "calibration") return parseCalibrationArgs(rest);
  if (command === "rank") return parseRankArgs(rest);
  if (command !== "check") return fail(null, `unknown command "${command}"`, true);
  const parsed = parseCheckArgs(rest);
  return parsed.ok ? { ok: true, value: { kind: "check", ...parsed.value } } : parsed;
};

export const parseCheckArgs = (tokens: readonly string[]): Parsed<CheckArgs> => {
  const args: CheckArgs = { plans: [], image: null, json: false, suggest: true, help: false };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token === "-h" || token === "--help") {
      args.help = true;
      continue;
    }
    if (!isFlag(token) || token === "--") return fail(null, `unexpected argument "${token}" (flags look like --num-clip 100)`, true);
    const eq = token.indexOf("=");
    const typed = eq === -1 ? token : token.slice(0, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const name = typed.slice(2);

    if (name === "json" || name === "no-suggest") {
      if (inline !== undefined) return fail(typed, "takes no value");
      if (name === "json") args.json = true;
      else args.suggest = false;
      continue;
    }

    if (name === "image") {
      const path = inline ?? tokens[i + 1];
      if (path === undefined || path === "" || (inline === undefined && isFlag(path))) return fail(typed, "needs a value (path to a PNG, JPEG or WebP image)");
      if (inline === undefined) i++;
      args.image = path;
      continue;
    }

    const field = findField(name);
    if (!field) {
      // --no-fp8 reads as --fp8 false, for boolean fields only.
      const negated = /^no[-_]/.test(name) ? findField(name.slice(3)) : undefined;
      if (negated?.type === "bool" && inline === undefined) {
        args.plans.push({ field: negated, typed, raw: "false" });
        continue;
      }
      return fail(typed, "is not a known flag (see headroom check --help)");
    }

    let raw = inline;
    if (raw === undefined) {
      const next = tokens[i + 1];
      if (field.type === "bool") {
        // A bare boolean flag means true; a following non-flag token is its value (and must be a boolean).
        if (next === undefined || isFlag(next) || next === "-h") raw = "true";
        else raw = tokens[++i];
      } else {
        if (next === undefined || isFlag(next)) return fail(typed, `needs a value (${describeValue(field)})`);
        raw = tokens[++i];
      }
    }
    const coerced = coerceField(field, raw ?? "");
    if (!coerced.ok) return fail(typed, coerced.message);
    args.plans.push({ field, typed, raw: raw ?? "" });
  }
  const imageSize = args.plans.find((flag) => flag.field.flag === "image_size");
  if (args.image !== null && imageSize) return fail(imageSize.typed, "give --image or --image-size, not both");
  return { ok: true, value: args };
};

/** What a flag's value looks like, for help and for "needs a value". */
export const describeValue = (field: PlanField): string => {
  if (field.values) return field.values.join("|");
  switch (field.type) {
    case "bool":
      return "true|false";
    case "int":
      return "whole number";
    case "number":
      return "number";
    default:
      return field.flag === "size" || field.flag === "image_size" ? "W*H" : "text";
  }
};

/** Resolves the flags into a Plan with the upstream script's defaults; errors name the flag as the user typed it. */
export const resolveCheckPlan = (flags: readonly PlanFlag[]): Parsed<Plan> => {
  const result = planFromEntries(flags.map((flag) => [flag.field.flag, flag.raw] as const));
  if (result.ok) return { ok: true, value: result.plan };
  const { field, message } = result.error;
  const given = [...flags].reverse().find((flag) => flag.field.flag === field);
  if (given) {
    const shown = message.includes("got ") ? message : `${lowerFirst(message)}, got "${given.raw}"`;
    return fail(given.typed, shown);
  }
  if (field === "custom") return fail("--gpu", `custom: ${message} (--custom-vram-gib, --custom-bf16-tflops, --custom-bandwidth-gbps)`);
  return fail(`--${field.replaceAll("_", "-")}`, lowerFirst(message));
};

/** zod's "Too small: expected number to be >=1" reads better as "must be at least 1". */
const lowerFirst = (text: string): string =>
  (text.charAt(0).toLowerCase() + text.slice(1))
    .replace(/^too small: expected number to be >=?\s*(\S+)$/, "must be at least $1")
    .replace(/^too big: expected number to be <=?\s*(\S+)$/, "must be at most $1");

/** The one stderr line for a bad command line. */
export const formatArgError = (error: ArgError): string =>
  error.flag === null ? `headroom: ${error.message}` : `headroom: ${error.flag}: ${error.message}`;

/** `calibration [--json] [--dir data/measurements]`. */
export const parseCalibrationArgs = (tokens: readonly string[]): Parsed<Command> => {
  const args: CalibrationArgs = { json: false, dir: null };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token === "--json") args.json = true;
    else if (token === "--dir" || token.startsWith("--dir=")) {
      const value = token.includes("=") ? token.slice("--dir=".length) : tokens[++i];
      if (!value || isFlag(value)) return fail("--dir", "expects a folder of measurement JSON files");
      args.dir = value;
    } else return fail(token, "is not a calibration flag (use --json or --dir)");
  }
  return { ok: true, value: { kind: "calibration", ...args } };
};

const RANK_ORDERS = ["cost", "fps"] as const;

/** `rank [plan flags] [--by cost|fps] [--json] [--image path]`: --by is taken out, the rest parses as check's. */
export const parseRankArgs = (tokens: readonly string[]): Parsed<Command> => {
  let by: RankArgs["by"] = "cost";
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token !== "--by" && !token.startsWith("--by=")) {
      rest.push(token);
      continue;
    }
    const value = token.includes("=") ? token.slice("--by=".length) : tokens[++i];
    const order = RANK_ORDERS.find((candidate) => candidate === value);
    if (!order) return fail("--by", `expects cost or fps, got "${value ?? ""}"`);
    by = order;
  }
  const parsed = parseCheckArgs(rest);
  return parsed.ok ? { ok: true, value: { kind: "rank", ...parsed.value, by } } : parsed;
};
