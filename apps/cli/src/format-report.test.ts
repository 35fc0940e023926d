import { estimate, formatSignedGibValue, GIB, resolvePlan, speedRanges, type Estimate, type GpuEstimate, type PhaseMemory } from "@headroom/estimator";
import { evaluate, suggest } from "@headroom/rules";
import { describe, expect, it } from "vitest";
import { formatPlanLine, formatReport, type Report } from "./format-report.ts";
import { formatDuration, formatNumber, formatTable, makePaint } from "./format-units.ts";

const phase = (name: PhaseMemory["phase"], gib: number): PhaseMemory =>
  ({ phase: name, residentBytes: gib * GIB, transientBytes: 0, totalBytes: gib * GIB, terms: [] });

const gpu = (rank: number, role: GpuEstimate["role"], gibs: [number, number, number, number], usableGib: number): GpuEstimate => {
  const phases = [phase("load", gibs[0]), phase("encode", gibs[1]), phase("denoise", gibs[2]), phase("decode", gibs[3])];
  const peak = phases.reduce((a, b) => (b.totalBytes > a.totalBytes ? b : a));
  return { rank, role, phases, peakBytes: peak.totalBytes, peakPhase: peak.phase, usableBytes: usableGib * GIB, marginBytes: (usableGib - peak.totalBytes / GIB) * GIB };
};

/** A hand-built Estimate: the numbers are made up, only the shape matters here. */
const ESTIMATE: Estimate = {
  estimatorVersion: "test",
  frame: { width: 704, height: 384, imageSize: "720*400", isAssumedImage: true, audioSeconds: 192, isAssumedAudio: false },
  gpus: [gpu(0, "dit", [21.5, 21.6, 25.8, 0], 23.65), gpu(1, "vae", [1.2, 1.2, 1.2, 4.5], 23.65)],
  worstRank: 0,
  hostRamBytes: 60 * GIB,
  hostRamTerms: [],
  hostRamPeakPhase: "run",
  hostRamPhases: [{ phase: "run", bytes: 60 * GIB, terms: [] }],
  speed: {
    forwardSeconds: 0.5, stepSeconds: 0.5, clipSeconds: 2, fps: 24, clips: 100, videoSeconds: 192,
    startupSeconds: 90, wallSeconds: 290, offloadShare: 0, terms: [],
    ...speedRanges({ fps: 24, stepSeconds: 0.5, startupSeconds: 90, wallSeconds: 290, offloadShare: 0 }),
  },
  notes: [{ id: "FR-9", message: "num_clip moves host RAM, not GPU memory", reported: "10 clips removed the OOM", predicted: "GPU peak flat in num_clip", cites: ["FR-9"] }],
  errorBar: { relative: 0.03, absoluteBytes: 0.5 * GIB, source: { kind: "assumption", ref: "target" } },
};

const REPORT: Report = {
  plan: resolvePlan({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { size: "704*384", numClip: 100 } }),
  estimate: ESTIMATE,
  verdict: {
    status: "out-of-memory",
    headline: "DiT ranks need 25.80 GiB; an RTX 4090 holds 23.65 GiB",
    findings: [{ ruleId: "dit-rank-oom", severity: "error", message: "every TPP DiT rank holds the whole DiT", cites: ["FR-5", { ref: "fsdp.py" }] }],
  },
  suggestions: [
    {
      changes: ["dit_fsdp: false → true"], hardwareChanges: [], flagChanges: ["dit_fsdp: false → true"], group: "same-hardware", dollarsPerVideoMinute: null,
      tags: ["nearest"], verdict: { status: "risky" }, estimate: { gpus: [gpu(0, "dit", [8, 8, 20.1, 0], 23.65)], speed: { ...ESTIMATE.speed, fps: 9.5, fpsRange: [9.5 / 5.2, 9.5 * 1.2] } },
    },
    {
      changes: ["gpu: rtx-4090 → a100-80gb", "count: 5 → 1", "host_ram_gb: 128 → 192"], flagChanges: [], group: "different-hardware", dollarsPerVideoMinute: 0.4321,
      hardwareChanges: ["GPU model rtx-4090 → a100-80gb", "GPU count 5 → 1", "host RAM raised from 128 GB to 192 GB (178.8 GiB)"],
      tags: ["cheapest", "fastest"], verdict: { status: "runs-slowly" }, estimate: { gpus: [gpu(0, "single", [30, 30, 60, 62], 79.15)], speed: { ...ESTIMATE.speed, fps: 1.25, fpsRange: [1.25 / 5.2, 1.25 * 1.2] } },
    },
  ],
};

const text = formatReport(REPORT, { color: false });
const lines = text.split("\n");
const lineWith = (needle: string): string => lines.find((line) => line.includes(needle)) ?? "";

describe("formatReport", () => {
  it("opens with the plan summary", () => {
    expect(lines[0]).toMatch(/^Plan {2}liveavatar-1\.0 · 5 × rtx-4090 · tpp \(4 DiT \+ VAE\) · 704\*384 · 100 clips × 48 frames/);
  });

  it("shows memory by phase, peak, usable and margin per GPU", () => {
    expect(lineWith("rank")).toMatch(/rank\s+role\s+load\s+encode\s+denoise\s+decode\s+peak\s+at\s+usable\s+margin/);
    expect(lineWith(" dit ")).toMatch(/0\s+dit\s+21\.50\s+21\.60\s+25\.80\s+-\s+25\.80\s+denoise\s+23\.65\s+-2\.15 OOM/);
    expect(lineWith(" vae ")).toMatch(/1\s+vae\s+1\.20\s+1\.20\s+1\.20\s+4\.50\s+4\.50\s+decode\s+23\.65\s+\+19\.15$/);
  });

  it("shows host RAM, speed, verdict, findings, notes, suggestions and the error bar", () => {
    expect(lineWith("Host RAM")).toContain("60.00 GiB needed · 128 GB (119.21 GiB) installed");
    // Out of memory: speed only as "if it fit", in the ranges the compute bar allows (×1/1.3 to ×5.2), rounded outward.
    expect(lineWith("Speed")).toContain("if it fit: 0.3–1.9 s/step · 1–7.4 s/clip · 6–32 FPS · wall 4 min 00 s–13 min 50 s for 100 clips");
    expect(lineWith("error bar (compute-bound)")).toContain("up to 3.7× slower, 1.3× faster than predicted");
    expect(lineWith("Verdict")).toContain("OUT-OF-MEMORY  DiT ranks need 25.80 GiB");
    expect(lineWith("dit-rank-oom")).toMatch(/error\s+dit-rank-oom\s+every TPP DiT rank holds the whole DiT\s+\[FR-5, fsdp\.py\]/);
    expect(lineWith("FR-9:")).toContain("num_clip moves host RAM");
    expect(lineWith("reported")).toContain("reported 10 clips removed the OOM vs predicted GPU peak flat in num_clip");
    expect(lineWith("dit_fsdp")).toMatch(/^ {4}1\.\s+dit_fsdp: false → true\s+→\s+RISKY\s+peak 20\.10 GiB \(denoise\)\s+1–12 FPS\s+no price\s+\[nearest\]/);
    expect(lineWith("a100-80gb")).toMatch(
      /^ {4}2\.\s+GPU model rtx-4090 → a100-80gb; GPU count 5 → 1; host RAM raised from 128 GB to 192 GB \(178\.8 GiB\)\s+→\s+RUNS-SLOWLY\s+peak 62\.00 GiB \(decode\)\s+0\.2–1\.5 FPS\s+\$0\.43\/min of video\s+\[cheapest, fastest\]/,
    );
    expect(lines.at(-1)).toBe("Error bar  ±max(3 %, 0.50 GiB) on each GPU's peak (assumption: target) · estimator test");
  });

  it("shows a plan that runs its speed range without 'if it fit', and an invalid plan none", () => {
    const runs = formatReport({ ...REPORT, verdict: { ...REPORT.verdict, status: "runs" } }, { color: false });
    expect(runs).toMatch(/^Speed {6}0\.3–1\.9 s\/step · 1–7\.4 s\/clip · 6–32 FPS/m);
    const invalid = formatReport({ ...REPORT, verdict: { ...REPORT.verdict, status: "invalid" } }, { color: false });
    expect(invalid).toContain("Speed      not shown: upstream would not run this plan");
    expect(invalid).not.toMatch(/FPS ·/);
  });

  it("says which frame the run generates, and from which image", () => {
    expect(lines[1]).toBe("Frame  runs at 704×384 from the scripts' example image 720×400 (assumed; pass --image) · 192 s of audio");
    const mine = { ...ESTIMATE, frame: { width: 384, height: 704, imageSize: "1080*1920", isAssumedImage: false, audioSeconds: 19.2, isAssumedAudio: true } };
    expect(formatReport({ ...REPORT, estimate: mine }, { color: false })).toContain(
      "Frame  runs at 384×704 from your 1080×1920 image · 19.2 s of audio (assumed; pass --audio-seconds)",
    );
    expect(formatReport({ ...REPORT, estimate: { ...ESTIMATE, frame: null } }, { color: false }).split("\n")[1]).toBe("");
  });

  it("states the host RAM a run needs when the host's is not given, never an out-of-memory", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });
    const report = formatReport({ ...REPORT, plan, estimate: { ...ESTIMATE, hostRamBytes: 300 * GIB } }, { color: false });
    const hostLine = report.split("\n").find((line) => line.startsWith("Host RAM")) ?? "";
    expect(hostLine).toBe("Host RAM   300.00 GiB needed · host RAM not given (pass --host-ram-gb to check it)");
    expect(report.split("\n")[0]).toContain("host RAM not given, pcie4-x16");
    expect(lineWith("Host RAM")).toContain("60.00 GiB needed · 128 GB (119.21 GiB) installed");
  });

  it("has no colour codes unless asked", () => {
    expect(text).not.toContain("\u001b[");
    expect(formatReport(REPORT, { color: true })).toContain("\u001b[31mOUT-OF-MEMORY\u001b[0m");
  });

  it("groups suggestions under a heading each: flags only, then other hardware", () => {
    const start = lines.indexOf("Suggestions");
    expect(lines.slice(start, start + 5).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([
      "Suggestions", "Same hardware (flags only)", "1.", "Different hardware (GPU model, count, host RAM)", "2.",
    ]);
  });

  it("paints a risky verdict amber, never green", () => {
    const risky = formatReport({ ...REPORT, verdict: { ...REPORT.verdict, status: "risky", headline: "Risky: fits (1.1 GiB headroom on the fullest GPU), but fp8 under FSDP likely fails" } }, { color: true });
    expect(risky).toContain("\u001b[33mRISKY\u001b[0m");
    expect(risky).not.toContain("\u001b[32mRISKY");
  });

  it("says when suggestions were skipped or none were found", () => {
    expect(formatReport({ ...REPORT, suggestions: null }, { color: false })).toContain("Suggestions  skipped (--no-suggest)");
    expect(formatReport({ ...REPORT, suggestions: [] }, { color: false })).toContain("Suggestions  none found");
  });

  it("leaves the notes section out when there are none", () => {
    expect(formatReport({ ...REPORT, estimate: { ...ESTIMATE, notes: [] } }, { color: false })).not.toContain("Field report vs source");
  });
});

describe("units", () => {
  it.each([
    [42, "42.0 s"], [192, "3 min 12 s"], [7500, "2 h 05 min"], [3 * 86400, "3.0 days"], [0.5, "0.50 s"],
  ])("formatDuration(%d) = %s", (seconds, expected) => expect(formatDuration(seconds)).toBe(expected));

  it.each([[0.0712, "0.071"], [1.25, "1.25"], [24, "24.0"], [1234.5, "1235"], [0, "0"]])("formatNumber(%d) = %s", (value, expected) =>
    expect(formatNumber(value)).toBe(expected));

  it("signs margins", () => {
    expect(formatSignedGibValue(1.5 * GIB)).toBe("+1.50");
    expect(formatSignedGibValue(-3.5 * GIB)).toBe("-3.50");
  });

  it("aligns table columns", () => {
    expect(formatTable([["a", "1"], ["bbb", "22"]], ["left", "right"])).toEqual(["  a     1", "  bbb  22"]);
  });
});

describe("formatReport: one memory unit", () => {
  // Headroom's own figures are GiB. GB stays only on a typed host RAM size (converted where a GiB figure sits
  // beside it) and on numbers quoted from the field report, in lines that say so.
  const strayGb = (report: string): string[] =>
    report.split("\n").flatMap((line) =>
      [...line.matchAll(/(\d+(?:\.\d+)?) ?GB\b(?! \(\d+(?:\.\d+)? GiB\))/g)]
        .filter(() => !/report|FR-\d+|host RAM|host_ram_gb|^Plan /.test(line))
        .map((match) => `${match[0]} in: ${line}`),
    );

  it.each([
    ["5 × RTX 4090, 128 GB host", { hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { size: "704*384", numClip: 100 } }],
    ["5 × RTX 4090, no host RAM", { hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } }],
    ["one RTX 4090, offload, 64 GB host", { hardware: { gpu: "rtx-4090", count: 1, hostRamGb: 64 }, params: { offloadModel: true, offloadKvCache: true } }],
    ["FSDP CPU offload", { hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, parallel: { ditFsdp: true, fsdpCpuOffload: true } }],
    ["one H100", { hardware: { gpu: "h100-sxm", count: 1, hostRamGb: 256 } }],
  ] as const)("%s: every figure Headroom computes is GiB", (_, input) => {
    const plan = resolvePlan(input);
    const planEstimate = estimate(plan);
    const report = formatReport({ plan, estimate: planEstimate, verdict: evaluate(plan, planEstimate), suggestions: suggest(plan, { limit: 3 }) }, { color: false });
    expect(report).toContain("GiB");
    expect(strayGb(report)).toEqual([]);
  });

  it("the check catches a computed GB figure", () => {
    expect(strayGb("Verdict  the run needs 142.7 GB of 128 GB")).toHaveLength(2);
  });
});

describe("the plan line's clips", () => {
  it("says the clips the audio will run, as --num_clip does", () => {
    const plan = resolvePlan({ params: { numClip: 100, audioSeconds: 7.5 } });
    const line = formatPlanLine(plan, makePaint(false));
    expect(line).toContain("4 clips × 48 frames (num_clip 100; the 7.5 s audio ends first)");
    expect(estimate(plan).speed.clips).toBe(4);
  });
});
