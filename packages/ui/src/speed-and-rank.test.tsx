import { estimate, formatFpsRange, resolvePlan } from "@headroom/estimator";
import { rank } from "@headroom/rules";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { formatDurationRange } from "./format.ts";
import { RankTable } from "./rank-table.tsx";
import { SpeedPanel } from "./speed-panel.tsx";

describe("SpeedPanel shows speed as its error bar's range", () => {
  const est = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 } }));
  it("a plan that runs: FPS, step and wall time as ranges, with the bar and its source", () => {
    const html = renderToStaticMarkup(<SpeedPanel estimate={est} status="runs" />);
    expect(html).toContain(`data-testid="fps">${formatFpsRange(est.speed.fpsRange)}`);
    expect(html).toContain("10–51 FPS");
    expect(html).toContain("up to 3.7× slower and 1.3× faster");
    expect(html).toContain('data-shown="range"');
    expect(html).not.toContain("If it fit");
  });
  it("a kernel lever off shows its named factor as a term with its own source", () => {
    expect(renderToStaticMarkup(<SpeedPanel estimate={est} status="runs" />)).not.toContain("kernels: ×");
    const eager = estimate(resolvePlan({ hardware: { gpu: "h100-sxm", count: 5 }, params: { enableCompile: false } }));
    const html = renderToStaticMarkup(<SpeedPanel estimate={eager} status="runs" />);
    expect(html).toContain("DiT forward with fp8, eager (ENABLE_COMPILE=false) kernels: ×1.27");
    expect(html).toContain("upstream-704x384-eager-c2.json");
  });
  it("out of memory: the same numbers under 'if it fit'; invalid: none", () => {
    expect(renderToStaticMarkup(<SpeedPanel estimate={est} status="out-of-memory" />)).toContain("<b>If it fit</b>");
    const invalid = renderToStaticMarkup(<SpeedPanel estimate={est} status="invalid" />);
    expect(invalid).toContain('data-testid="speed-hidden"');
    expect(invalid).not.toContain("FPS");
  });
  it("duration ranges round outward like FPS", () => {
    expect(formatDurationRange([0.4167, 2.6])).toBe("0.4–2.6 s");
    expect(formatDurationRange([256.7, 1130])).toBe("3 min 20 s – 20 min 00 s");
  });
});

describe("RankTable", () => {
  const rows = rank(resolvePlan({ params: { size: "720*400" } }));
  const html = renderToStaticMarkup(<RankTable rows={rows} by="cost" />);
  it("lists every GPU × count, the first 12 shown, each with verdict, speed as the verdict allows, and cost", () => {
    expect(html.match(/data-testid="rank-row"/g)).toHaveLength(55);
    expect(html.match(/data-testid="rank-row"[^>]*hidden=""/g)).toHaveLength(55 - 12);
    expect(html).toContain('data-gpu="h100-sxm" data-count="5" data-status="runs"');
    expect(html).toMatch(/if it fit: [\d.]+–[\d.]+ FPS/);
    expect(html).toContain("$17.45");
    expect(html).toContain("rtx-5090</b>: no public on-demand price found");
  });
  it("stays a table for screen readers where narrow panels show cards: explicit roles, a named Use column, labelled values", () => {
    const withUse = renderToStaticMarkup(<RankTable rows={rows} by="cost" onApply={() => {}} />);
    expect(withUse).toContain('<table class="terms rank-table" data-testid="rank-table" role="table">');
    expect(withUse.match(/<tr role="row" data-testid="rank-row"/g)).toHaveLength(55);
    expect(withUse.match(/<td role="cell"/g)).toHaveLength(55 * 8);
    expect(withUse).toContain('<span class="rank-sr-only">use this plan</span>');
    expect(withUse).toContain('aria-label="Use 5 × h100-sxm"');
    for (const label of ["peak / usable", "speed", "$/hour", "$/video min"]) {
      expect(withUse.match(new RegExp(`data-label="${label.replace(/[$/]/g, "\\$&")}"`, "g"))).toHaveLength(55);
    }
  });
});
