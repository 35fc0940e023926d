import { estimate, resolvePlan } from "@headroom/estimator";
import { evaluate } from "@headroom/rules";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { flagForPath, formatErrorBar } from "./format.ts";
import { groupRanks } from "./memory-bar.tsx";
import { ReportView } from "./report-view.tsx";

const check = (input: Parameters<typeof resolvePlan>[0]) => {
  const plan = resolvePlan(input);
  const est = estimate(plan);
  return { plan, estimate: est, verdict: evaluate(plan, est) };
};

describe("ReportView", () => {
  const oom = check({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } });
  const html = renderToStaticMarkup(<ReportView {...oom} />);

  it("states the verdict, the peak phase and the error bar", () => {
    expect(html).toContain('data-status="out-of-memory"');
    expect(html).toContain(`▲ peak: ${oom.estimate.gpus[0]!.peakPhase}`);
    expect(html).toContain("±max(3 %, 0.5 GiB)");
  });

  it("tags every memory term and speed number with its source kind", () => {
    const terms = oom.estimate.gpus[0]!.phases.find((p) => p.phase === oom.estimate.gpus[0]!.peakPhase)!.terms.filter((t) => t.value > 0);
    for (const term of terms) expect(html).toContain(term.label);
    expect(html).toMatch(/data-source-kind="upstream"/);
    expect(html).toMatch(/data-source-kind="assumption"/);
  });

  it("shows the over-full GPU's overflow and one row per run of identical ranks", () => {
    expect(html).toContain("membar-overflow");
    expect(groupRanks(oom.estimate.gpus).map((g) => g.ranks)).toEqual([[0, 1, 2, 3], [4]]);
  });

  it("cites the field report in findings", () => {
    expect(html).toContain("FR-21");
  });

  it("says which frame the run generates, and from which image", () => {
    expect(html).toMatch(/Runs at <b data-testid="frame-size">704×384<\/b> from the scripts&#x27; example image 720×400/);
    expect(html).toContain("assumed: no reference image given");
    const portrait = check({ hardware: { gpu: "h100-sxm" }, params: { imageSize: "1080*1920" } });
    const mine = renderToStaticMarkup(<ReportView {...portrait} />);
    expect(mine).toMatch(/Runs at <b data-testid="frame-size">384×704<\/b> from your 1080×1920 image/);
    expect(mine).not.toContain("no reference image given");
    expect(renderToStaticMarkup(<ReportView {...oom} estimate={{ ...oom.estimate, frame: null }} />)).not.toContain('data-testid="frame"');
  });

  it("asks for the host's RAM instead of a share bar when it is not given", () => {
    expect(oom.plan.hardware.hostRamGb).toBeNull();
    expect(html).toMatch(/data-given="false"><span>Needs <b>[\d.]+ GiB<\/b> — how much RAM does the host have\?/);
    expect(html).not.toContain("hostram-track");
    const given = check({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 256 }, params: { size: "704*384", numClip: 100 } });
    const givenHtml = renderToStaticMarkup(<ReportView {...given} />);
    expect(givenHtml).toContain("hostram-track");
    expect(givenHtml).toMatch(/data-given="true"><b>[\d.]+ GiB<\/b> of 256 GB \(238\.4 GiB\) installed/);
  });
});

describe("memory units", () => {
  // Headroom's figures are GiB; a GB figure is a typed size shown with its GiB, or the field report's, quoted as such.
  const strayGb = (html: string): string[] =>
    html
      // One line per row or paragraph, so a field-report cell keeps its "field report" tag beside it.
      .replace(/<\/?(?:tr|li|p|div|section|dt|dd|h\d)\b[^>]*>/g, "\n")
      .replace(/<[^>]+>/g, " ")
      .split("\n")
      .flatMap((text) => [...text.matchAll(/(\d+(?:\.\d+)?) ?GB\b(?! \(\d+(?:\.\d+)? GiB\))/g)].filter(() => !/report|FR-\d+|host RAM/.test(text)).map((m) => `${m[0]} in: ${text}`));

  it.each([
    ["5 × RTX 4090, no host RAM", { hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", numClip: 100 } }],
    ["5 × RTX 4090, 128 GB host", { hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { size: "704*384", numClip: 100 } }],
    ["one RTX 4090, offload, 64 GB host", { hardware: { gpu: "rtx-4090", count: 1, hostRamGb: 64 }, params: { offloadModel: true, offloadKvCache: true } }],
    ["one H100", { hardware: { gpu: "h100-sxm", count: 1, hostRamGb: 256 } }],
  ] as const)("%s: every memory figure on the page is GiB", (_, input) => {
    const html = renderToStaticMarkup(<ReportView {...check(input)} />);
    expect(html).toContain("GiB");
    expect(strayGb(html)).toEqual([]);
  });
});

describe("format", () => {
  it("writes the error bar the way every report states it", () => {
    expect(formatErrorBar(check({}).estimate.errorBar)).toBe("±max(3 %, 0.5 GiB)");
  });
  it("maps a finding path to the upstream flag", () => {
    expect(flagForPath(["params", "numClip"])).toBe("--num_clip");
    expect(flagForPath(["hardware", "gpu"])).toBe("--gpu");
    expect(flagForPath([])).toBeNull();
  });
});
