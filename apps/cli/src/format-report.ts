import {
  clipCount, formatDollars, formatFpsRange, formatGbInput, formatGib, formatGibValue, formatSignedGibValue, GB, PHASES, resolveGpu, roundRange,
  type Estimate, type GpuEstimate, type LaunchReport, type MeasuredNeighbour, type Plan, type Range,
} from "@headroom/estimator";
import { speedShownAs } from "@headroom/rules";
import { formatDuration, formatNumber, formatPercent, formatTable, makePaint, type Paint } from "./format-units.ts";
import { formatLaunch } from "./launch-report.ts";

/** The parts of the rules' Verdict and Suggestion the report reads (structural, so either package can grow). */
export type Cite = string | { ref: string };
export type FindingView = { ruleId: string; severity: string; message: string; cites: readonly Cite[] };
/** The rules pack surfaces each estimate note as an info finding; the report prints notes once, in their section. */
const NOTE_RULE_ID = "field-report/estimate-notes";

export type VerdictView = { status: string; headline: string; findings: readonly FindingView[] };
export type SuggestionView = {
  changes: readonly string[];
  /** The hardware it changes, in words ("GPU count 5 → 1", "host RAM raised to …"); [] for flags only. */
  hardwareChanges: readonly string[];
  flagChanges: readonly string[];
  group: string;
  /** USD per minute of video at the price table's on-demand rates; null where the GPU has no price. */
  dollarsPerVideoMinute: number | null;
  tags: readonly string[];
  verdict: { status: string };
  estimate: Pick<Estimate, "gpus" | "speed">;
};
/** suggestions is null when the search was skipped (--no-suggest). */
export type Report = {
  plan: Plan;
  estimate: Estimate;
  verdict: VerdictView;
  suggestions: readonly SuggestionView[] | null;
  /** The committed probe runs closest to this plan (absent in reports built without them). */
  measured?: readonly MeasuredNeighbour[];
  /** The LiveAvatar command for the plan (absent in reports built without it). */
  launch?: LaunchReport;
};

export const formatReport = (report: Report, options: { color: boolean }): string => {
  const paint = makePaint(options.color);
  const { plan, estimate } = report;
  return [
    formatPlanLine(plan, paint),
    ...formatFrame(estimate, paint),
    "",
    paint.bold("GPU memory (GiB)"),
    ...formatGpuTable(estimate.gpus, paint),
    "",
    formatHostRam(plan, estimate, paint),
    formatSpeed(estimate, paint, report.verdict.status),
    "",
    `${paint.bold("Verdict")}    ${paintStatus(report.verdict.status, paint)}  ${report.verdict.headline}`,
    // Estimate notes get their own section below, with the reported and predicted numbers side by side.
    ...formatFindings(report.verdict.findings.filter((finding) => finding.ruleId !== NOTE_RULE_ID), paint),
    ...formatNotes(estimate, paint),
    "",
    ...formatSuggestions(report.suggestions, paint),
    "",
    formatErrorBar(estimate, paint),
    ...(report.measured?.length ? [`${paint.bold("Nearest measurements")}`, ...report.measured.map((m) => `  ${m.id}: ${m.summary}`)] : []),
    ...(report.launch ? ["", ...formatLaunch(report.launch, paint)] : []),
  ].join("\n");
};

const onOff = (name: string, value: boolean): string => `${name}=${value}`;

/** num_clip as given; once the audio is known, the clips that will run, as every page and --num_clip say (clipCount). */
const formatClips = (plan: Plan): string => {
  const count = clipCount(plan);
  const capped = count.isCappedByAudio ? ` (num_clip ${plan.params.numClip}; the ${plan.params.audioSeconds} s audio ends first)` : "";
  return `${count.numClipFlag} clips × ${plan.params.inferFrames} frames${capped}`;
};

export const formatPlanLine = (plan: Plan, paint: Paint): string => {
  const { params: p, hardware: h, parallel: x } = plan;
  const gpu = h.gpu === "custom" ? resolveGpu(h).name : h.gpu;
  const layout = x.mode === "tpp" ? `tpp (${x.numGpusDit} DiT${x.enableVaeParallel ? " + VAE" : ""})` : "single GPU";
  const sharding = [x.ditFsdp && `dit_fsdp (${x.fsdpWrap})`, x.t5Fsdp && "t5_fsdp", x.fsdpCpuOffload && "fsdp_cpu_offload"].filter(Boolean);
  const parts = [
    `${h.count} × ${gpu}`,
    [layout, ...sharding].join(", "),
    p.size,
    formatClips(plan),
    `${p.sampleSteps} steps ${p.sampleSolver}, guide ${p.sampleGuideScale}`,
    `${p.precision}${p.fp8 ? "+fp8" : ""}`,
    [onOff("offload_model", p.offloadModel), onOff("online_decode", p.enableOnlineDecode), onOff("t5_cpu", p.t5Cpu),
      onOff("offload_kv_cache", p.offloadKvCache)].join(" "),
    `${h.hostRamGb === null ? "host RAM not given" : `host ${h.hostRamGb} GB`}, ${h.hostLink}`,
  ];
  return `${paint.bold("Plan")}  ${plan.model} · ${parts.join(" · ")}`;
};

export const formatGpuTable = (gpus: readonly GpuEstimate[], paint: Paint): string[] => {
  const header = ["rank", "role", ...PHASES, "peak", "at", "usable", "margin"];
  const rows = gpus.map((gpu) => {
    const byPhase = PHASES.map((phase) => {
      const found = gpu.phases.find((entry) => entry.phase === phase);
      return found && found.totalBytes > 0 ? formatGibValue(found.totalBytes) : "-";
    });
    const margin = formatSignedGibValue(gpu.marginBytes);
    return [
      String(gpu.rank), gpu.role, ...byPhase, paint.bold(formatGibValue(gpu.peakBytes)), gpu.peakPhase, formatGibValue(gpu.usableBytes),
      gpu.marginBytes < 0 ? paint.red(`${margin} OOM`) : paint.green(margin),
    ];
  });
  return formatTable([header.map(paint.dim), ...rows], ["right", "left", "right", "right", "right", "right", "right", "left", "right", "left"]);
};

const dims = (width: number, height: number): string => `${width}×${height}`;

/** The frame the run really generates (from the reference image, not --size) and the audio it covers. */
export const formatFrame = (estimate: Estimate, paint: Paint): string[] => {
  const frame = estimate.frame;
  if (!frame) return [];
  const image = frame.imageSize.replace("*", "×");
  const source = frame.isAssumedImage ? `the scripts' example image ${image} (assumed; pass --image)` : `your ${image} image`;
  const audio = `${formatNumber(frame.audioSeconds)} s of audio${frame.isAssumedAudio ? " (assumed; pass --audio-seconds)" : ""}`;
  return [`${paint.bold("Frame")}  runs at ${dims(frame.width, frame.height)} from ${source} · ${audio}`];
};

export const formatHostRam = (plan: Plan, estimate: Estimate, paint: Paint): string => {
  const needed = `${paint.bold("Host RAM")}   ${formatGib(estimate.hostRamBytes, 2)} needed`;
  // Not given: what the run needs is a requirement on the host, never an out-of-memory on an assumed size.
  if (plan.hardware.hostRamGb === null) return `${needed} · host RAM not given (pass --host-ram-gb to check it)`;
  const installed = plan.hardware.hostRamGb * GB;
  const over = estimate.hostRamBytes > installed;
  const verdict = over ? paint.red("over the installed RAM") : `${formatPercent(estimate.hostRamBytes / installed)} of it`;
  return `${needed} · ${formatGbInput(plan.hardware.hostRamGb, 2)} installed · ${verdict}`;
};

const secondsRange = (range: Range): string => {
  const [low, high] = roundRange(range);
  return `${formatDuration(low)}–${formatDuration(high)}`;
};
const numberRange = (range: Range): string => roundRange(range).join("–");

/**
 * Speed as the ranges its error bar allows; "if it fit" for a plan that runs out of memory, nothing for an invalid one.
 * The point values stay in --json.
 */
export const formatSpeed = (estimate: Estimate, paint: Paint, status = "runs"): string => {
  const s = estimate.speed;
  const shown = speedShownAs(status);
  if (shown === "hidden") return `${paint.bold("Speed")}      not shown: upstream would not run this plan`;
  const bar = s.speedErrorBar;
  const parts = [
    `${numberRange(s.stepSecondsRange)} s/step`,
    `${numberRange([s.clipSeconds / bar.faster, s.clipSeconds * bar.slower])} s/clip`,
    formatFpsRange(s.fpsRange),
    `wall ${secondsRange(s.wallSecondsRange)} for ${s.clips} clips (${formatDuration(s.videoSeconds)} of video, ${formatDuration(s.startupSeconds)} start-up)`,
  ];
  if (s.offloadShare > 0) parts.push(`${formatPercent(s.offloadShare)} of each forward moving bytes over PCIe`);
  const barLine = `${paint.dim(`           error bar (${bar.regime}-bound): up to ${bar.slower}× slower, ${bar.faster}× faster than predicted (${bar.source.kind}: ${bar.source.ref})`)}`;
  return `${paint.bold("Speed")}      ${shown === "if-it-fit" ? "if it fit: " : ""}${parts.join(" · ")}\n${barLine}`;
};

const STATUS_PAINT: Record<string, keyof Paint> = {
  runs: "green", "runs-slowly": "yellow", tight: "yellow", risky: "yellow", "out-of-memory": "red", invalid: "red",
};
const SEVERITY_PAINT: Record<string, keyof Paint> = { error: "red", warning: "yellow", warn: "yellow" };

export const paintStatus = (status: string, paint: Paint): string => paint[STATUS_PAINT[status] ?? "bold"](status.toUpperCase());

const citeText = (cites: readonly Cite[]): string =>
  cites.length === 0 ? "" : `[${cites.map((cite) => (typeof cite === "string" ? cite : cite.ref)).join(", ")}]`;

export const formatFindings = (findings: readonly FindingView[], paint: Paint): string[] => {
  if (findings.length === 0) return [`  ${paint.dim("no findings")}`];
  // Messages vary a lot in length: align severity and rule id only, and let message and cites run on.
  const rows = findings.map((f) => [paint[SEVERITY_PAINT[f.severity] ?? "dim"](f.severity), f.ruleId, `${f.message}  ${paint.dim(citeText(f.cites))}`]);
  return formatTable(rows, ["left", "left", "left"]);
};

export const formatNotes = (estimate: Estimate, paint: Paint): string[] => {
  if (estimate.notes.length === 0) return [];
  const lines = estimate.notes.flatMap((note) => {
    const numbers = [note.reported !== null && `reported ${note.reported}`, note.predicted !== null && `predicted ${note.predicted}`].filter(Boolean);
    const detail = [numbers.join(" vs "), paint.dim(citeText(note.cites))].filter(Boolean).join("  ");
    return [`  ${note.id}: ${note.message}`, ...(detail ? [`    ${detail}`] : [])];
  });
  return ["", paint.bold("Field report vs source"), ...lines];
};

const worstGpu = (gpus: readonly GpuEstimate[]): GpuEstimate | undefined =>
  gpus.reduce<GpuEstimate | undefined>((worst, gpu) => (worst === undefined || gpu.marginBytes < worst.marginBytes ? gpu : worst), undefined);

/** Suggestions come grouped (rules' SUGGESTION_GROUPS order); a group's heading says what kind of change it asks for. */
const GROUP_TITLE: Record<string, string> = {
  "same-hardware": "Same hardware (flags only)",
  "different-hardware": "Different hardware (GPU model, count, host RAM)",
};

/** Every change a suggestion makes: the hardware in words first, then each flag. */
const changeText = (s: SuggestionView): string => [...s.hardwareChanges, ...s.flagChanges].join("; ");

const priceText = (s: SuggestionView): string =>
  s.dollarsPerVideoMinute === null ? "no price" : `${formatDollars(s.dollarsPerVideoMinute)}/min of video`;

export const formatSuggestions = (suggestions: readonly SuggestionView[] | null, paint: Paint): string[] => {
  const title = paint.bold("Suggestions");
  if (suggestions === null) return [`${title}  skipped (--no-suggest)`];
  if (suggestions.length === 0) return [`${title}  none found: no nearby plan runs`];
  const rows = suggestions.map((s, i) => {
    const worst = worstGpu(s.estimate.gpus);
    const peak = worst ? `peak ${formatGib(worst.peakBytes, 2)} (${worst.peakPhase})` : "";
    return [`${i + 1}.`, changeText(s), "→", paintStatus(s.verdict.status, paint), peak, formatFpsRange(s.estimate.speed.fpsRange),
      priceText(s), s.tags.length > 0 ? `[${s.tags.join(", ")}]` : ""];
  });
  const table = formatTable(rows, ["right", "left", "left", "left", "left", "right", "right", "left"], "    ");
  // One aligned table, with a heading wherever the group changes.
  return [title, ...table.flatMap((line, i) => {
    const group = suggestions[i]!.group;
    return i === 0 || suggestions[i - 1]!.group !== group ? [`  ${paint.bold(GROUP_TITLE[group] ?? group)}`, line] : [line];
  })];
};

export const formatErrorBar = (estimate: Estimate, paint: Paint): string => {
  const bar = estimate.errorBar;
  return `${paint.bold("Error bar")}  ±max(${formatPercent(bar.relative)}, ${formatGib(bar.absoluteBytes, 2)}) on each GPU's peak (${bar.source.kind}: ${bar.source.ref}) · estimator ${estimate.estimatorVersion}`;
};
