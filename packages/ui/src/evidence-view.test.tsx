import { calibrationEvidence, estimate, observationRows, resolvePlan, speedExplanation, type MeasuredKernelFactor } from "@headroom/estimator";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { citeHref } from "./cite-href.ts";
import { MemoryEvidence, SpeedEvidence } from "./evidence-view.tsx";

describe("SpeedEvidence", () => {
  const rows = observationRows();
  const html = renderToStaticMarkup(<SpeedEvidence rows={rows} explanation={speedExplanation(rows)} measuredKernels={[]} />);
  it("lists every observation, marks the one not held, and links each upstream thread and README version", () => {
    expect(html.match(/data-testid="speed-observation"/g)).toHaveLength(rows.length);
    expect(html).toContain('data-held="false"');
    expect(html).toContain('href="https://github.com/Alibaba-Quark/LiveAvatar/issues/38"');
    expect(html).toContain('href="https://github.com/Alibaba-Quark/LiveAvatar/blob/177e8bf/README.md"');
  });
  it("shows each kernel factor with its source, and says upstream has not timed it until it has", () => {
    expect(html).toContain("×1.27");
    expect(html).toContain("no upstream pair yet");
    expect(html).toContain("the baseline of every pair");
    const timed: MeasuredKernelFactor = { kernels: "eager-fp8", factor: 1.5, run: "upstream-704x384-eager-c2", baseline: "upstream-704x384-c2", gpu: "NVIDIA H200", atFactorsPlan: true };
    const withRun = renderToStaticMarkup(<SpeedEvidence rows={rows} explanation={speedExplanation(rows)} measuredKernels={[timed]} />);
    expect(withRun).toContain("×1.50 (upstream-704x384-eager-c2 ÷ upstream-704x384-c2)");
  });
  it("summarises each timed stage per instrument with its widest miss", () => {
    const timed = renderToStaticMarkup(
      <SpeedEvidence rows={rows} explanation={speedExplanation(rows)} measuredKernels={[]} timings={[{ stage: "vae-decode", instrument: "probe", runs: 20, medianRatio: 1, widest: { id: "h100-384x256", ratio: 1.12 } }]} />,
    );
    expect(timed).toContain('data-stage="vae-decode"');
    expect(timed).toContain("×1.12 <code>h100-384x256</code>");
    expect(html).not.toContain('data-testid="stage-timings"');
  });
  it("explains 45 → 6–9 FPS with the computed factors", () => {
    expect(html).toContain("2.25×");
    expect(html).toMatch(/v1\.0 at 8\.7 FPS \(2\.30× under/);
  });
});

describe("MemoryEvidence", () => {
  it("one row per run, the summary, and — with no upstream run — says what the probe alone cannot catch", () => {
    const plan = resolvePlan({ hardware: { gpu: "h200", count: 1 } });
    const predicted = estimate(plan).gpus[0]!.peakBytes;
    const reading = { allocated: predicted, reserved: predicted, deviceUsed: predicted };
    const probe = { name: "a.json", json: { id: "a", command: "x", date: "d", gpu: "NVIDIA H200", torchVersion: "2", capBytes: null, plan, ranks: [{ rank: 0, fits: true, phases: { denoise: reading } }] } };
    const evidence = calibrationEvidence([probe, { name: "not-one.json", json: { id: "b" } }]);
    expect(evidence.runs).toHaveLength(1);
    const html = renderToStaticMarkup(<MemoryEvidence evidence={evidence} />);
    expect(html.match(/data-testid="evidence-run"/g)).toHaveLength(1);
    expect(html).toContain('data-within="true"');
    expect(html).toContain("1 of 1</b> measured peaks");
    expect(html).toContain('data-testid="instruments-none"');
    expect(html).not.toContain('data-testid="upstream-phases"');
  });
  it("shows upstream's own runs phase by phase and marks a phase the estimate misses", () => {
    const plan = resolvePlan({ hardware: { gpu: "h200", count: 1 } });
    const phases = estimate(plan).gpus[0]!.phases;
    const at = (phase: string, extra = 0) => {
      const bytes = phases.find((p) => p.phase === phase)!.totalBytes + extra;
      return { allocated: bytes, reserved: bytes, deviceUsed: bytes };
    };
    const json = { id: "upstream-x", instrument: { kind: "upstream", commit: "9c2c38d" }, command: "x", date: "d", gpu: "NVIDIA H200", torchVersion: "2", capBytes: null, plan,
      ranks: [{ rank: 0, fits: true, phases: { denoise: at("denoise"), decode: at("decode", 4 * 1024 ** 3) } }] };
    const html = renderToStaticMarkup(<MemoryEvidence evidence={calibrationEvidence([{ name: "upstream-x.json", json }])} />);
    expect(html).toContain('data-testid="upstream-phases"');
    expect(html).toMatch(/data-phase="denoise"><td><code class="small">upstream-x<\/code><\/td><td>denoise<\/td><td class="num ">/);
    expect(html).toMatch(/data-phase="decode"><td><code class="small">upstream-x<\/code><\/td><td>decode<\/td><td class="num is-outside">/);
  });
});

describe("citeHref", () => {
  it("links upstream threads and README versions, nothing else", () => {
    expect(citeHref("github.com/Alibaba-Quark/LiveAvatar/issues/22 (2025-12-24): ~8.7 FPS")).toBe("https://github.com/Alibaba-Quark/LiveAvatar/issues/22");
    expect(citeHref("upstream README @415c96e (2026-01-09)")).toBe("https://github.com/Alibaba-Quark/LiveAvatar/blob/415c96e/README.md");
    expect(citeHref("FR-14")).toBeNull();
    expect(citeHref("data/measurements/h100-704x384-default.json")).toBeNull();
  });
});
