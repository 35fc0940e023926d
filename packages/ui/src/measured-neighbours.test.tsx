import { estimate, GIB, measuredRunsFrom, nearestMeasurements, resolvePlan, type Measurement } from "@headroom/estimator";
import { evaluate } from "@headroom/rules";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MeasuredNeighbours } from "./measured-neighbours.tsx";
import { ReportView } from "./report-view.tsx";

const headline = resolvePlan({ hardware: { gpu: "rtx-4090" }, params: { size: "384*256", offloadKvCache: true, t5Cpu: true, quantizeOnCpu: true } });
const upstream = resolvePlan({ hardware: { gpu: "rtx-4090" }, params: { size: "384*256" } });

const measurement = (id: string, plan: Measurement["plan"], rank: Measurement["ranks"][number]): Measurement => ({
  id, instrument: { kind: "probe" }, command: "probe.py", date: "2026-11-26", gpu: "NVIDIA H100 80GB HBM3", torchVersion: "2.11", capBytes: 23.65 * GIB, plan, ranks: [rank],
});
const runs = measuredRunsFrom([
  {
    name: "rtx4090-headline.json",
    json: measurement("rtx4090-headline", headline, {
      rank: 0, fits: true, oomPhase: null,
      phases: { load: { allocated: 12 * GIB, reserved: 12.5 * GIB, deviceUsed: 13 * GIB }, denoise: { allocated: 21.9 * GIB, reserved: 22.2 * GIB, deviceUsed: 22.9 * GIB } },
    }),
  },
  { name: "rtx4090-oom-load.json", json: measurement("rtx4090-oom-load", upstream, { rank: 0, fits: false, oomPhase: "load", phases: {} }) },
]);
const neighbours = nearestMeasurements(headline, runs);

describe("MeasuredNeighbours", () => {
  const html = renderToStaticMarkup(<MeasuredNeighbours neighbours={neighbours} />);

  it("names the card, the cap, the measured peak and its phase, and the source file", () => {
    expect(html).toContain("NVIDIA H100 80GB HBM3");
    expect(html).toContain("cap 23.65 GiB");
    expect(html).toMatch(/measured <b[^>]*>22\.90 GiB<\/b> at <b>denoise<\/b>/);
    expect(html).toContain("data/measurements/rtx4090-headline.json");
  });

  it("states the prediction for that run and its error against the bar", () => {
    const peak = neighbours[0]!.peak!;
    expect(html).toContain(`predicted <b>${(peak.predictedBytes / GIB).toFixed(2)} GiB</b>`);
    expect(html).toContain(`of ±${(peak.allowedBytes / GIB).toFixed(2)} GiB · ${peak.isWithin ? "within" : "outside"} the bar`);
  });

  it("marks the same plan, and lists what another run's plan sets differently", () => {
    expect(html).toContain("same plan as this one");
    expect(html).toMatch(/<code>--offload_kv_cache false<\/code> <span class="muted small">\(here true\)<\/span>/);
  });

  it("shows a run that ran out of memory with the phase and whether the verdict agreed", () => {
    expect(html).toContain("ran out of memory at <b>load</b>");
    expect(html).toMatch(/verdict (agrees|disagrees)/);
  });

  it("says on the card when the run was a stand-in: another precision, fewer ranks", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "704*384", fp8: true, t5Cpu: true }, parallel: { ditFsdp: true } });
    const ran = { ...plan, params: { ...plan.params, fp8: false }, hardware: { ...plan.hardware, count: 4 }, parallel: { ...plan.parallel, enableVaeParallel: false } };
    const standIn = measuredRunsFrom([{
      name: "fsdp.json",
      json: { ...measurement("fsdp", plan, { rank: 0, fits: false, oomPhase: "denoise", phases: {} }), emulation: { processes: 4, gpus: 4, plan: ran, differences: [] } },
    }]);
    const card = renderToStaticMarkup(<MeasuredNeighbours neighbours={nearestMeasurements(plan, standIn)} />);
    expect(card).toContain("<b>stand-in:</b> measured in bf16, the plan asks bf16+fp8; measured on 4 ranks, the plan has 5");
    expect(html).not.toContain("stand-in");
  });

  it("says so when there is nothing to show", () => {
    expect(renderToStaticMarkup(<MeasuredNeighbours neighbours={[]} />)).toContain("No committed measurements could be read");
  });
});

describe("ReportView with measured neighbours", () => {
  const est = estimate(headline);
  const props = { plan: headline, estimate: est, verdict: evaluate(headline, est) };
  it("shows them in their own panel, with the error bar they are held to", () => {
    const html = renderToStaticMarkup(<ReportView {...props} measured={neighbours} />);
    expect(html).toContain('data-testid="measured-panel"');
    expect(html).toContain("Nearest measured plans");
    expect(html.indexOf("memory-panel")).toBeLessThan(html.indexOf("measured-panel"));
  });
  it("leaves the panel out where none are given", () => {
    expect(renderToStaticMarkup(<ReportView {...props} />)).not.toContain("measured-panel");
  });
});
