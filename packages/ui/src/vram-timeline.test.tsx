import { GIB } from "@headroom/estimator";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { downsample, tracePoints, VramChart } from "./vram-timeline.tsx";

const start = new Date("2026-01-01T00:00:00Z");
const trace = { gpuIndex: 0, peakMib: 900, chunks: [{ startedAt: start, intervalMs: 100, samplesMib: [100, 500, 900, 300] }] };

describe("VRAM timeline", () => {
  it("places samples at their time since the job started", () => {
    expect(tracePoints(trace.chunks, start.getTime()).map((p) => p.seconds)).toEqual([0, 0.1, 0.2, 0.3]);
  });
  it("keeps the peak when downsampling", () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ seconds: i, bytes: i === 777 ? 99 : 1 }));
    expect(Math.max(...downsample(points, 50).map((p) => p.bytes))).toBe(99);
  });
  it("draws the measured line, the predicted peak and usable VRAM", () => {
    const html = renderToStaticMarkup(<VramChart trace={trace} origin={start.getTime()} predictedPeakBytes={1 * GIB} usableBytes={2 * GIB} />);
    expect(html).toContain("line-measured");
    expect(html).toMatch(/highest reading <b>0\.88 GiB<\/b>/);
    expect(html).toContain("predicted peak 1.0 GiB");
    expect(html).toContain("usable 2.0 GiB");
  });
});
