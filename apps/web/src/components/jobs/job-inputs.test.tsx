import { resolvePlan } from "@headroom/estimator";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { JobInputs } from "./job-inputs";
import { PeakCompare } from "./peak-compare";

describe("JobInputs", () => {
  const inputs = [
    { id: "img-1", kind: "image" as const, mime: "image/png", bytes: 20_480, durationSeconds: null, width: 512, height: 768 },
    { id: "aud-1", kind: "audio" as const, mime: "audio/wav", bytes: 3_200_000, durationSeconds: 5, width: null, height: null },
  ];
  const plan = resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { sampleSteps: 8 } });
  const html = renderToStaticMarkup(<JobInputs plan={plan} prompt="A smith at his forge." runner="liveavatar" inputs={inputs} />);

  it("shows the uploads through the team-scoped file route: a thumbnail and a player", () => {
    expect(html).toMatch(/<img[^>]+src="\/api\/files\/assets\/img-1"/);
    expect(html).toMatch(/<audio[^>]+src="\/api\/files\/assets\/aud-1"/);
    expect(html).toContain("512×768");
    expect(html).toContain("5.0 s");
  });
  it("shows the prompt and the flags that set this plan apart", () => {
    expect(html).toContain("A smith at his forge.");
    expect(html).toContain("--sample_steps 8");
  });
  it("a probe job says why it has no uploads and no prompt", () => {
    const probe = renderToStaticMarkup(<JobInputs plan={plan} prompt={null} runner="probe" inputs={[]} />);
    expect(probe).toContain("the probe makes its own inputs");
    expect(probe).toContain("the probe does not read a prompt");
  });
});

describe("PeakCompare", () => {
  const widths = (html: string) => [...html.matchAll(/width:([\d.]+)%/g)].map((match) => Number(match[1]));
  it("draws predicted, measured and usable on one scale (the largest is the full bar)", () => {
    const GIB = 2 ** 30;
    expect(widths(renderToStaticMarkup(<PeakCompare predicted={20 * GIB} measured={22 * GIB} usable={44 * GIB} />))).toEqual([(20 / 44) * 100, 50, 100]);
  });
  it("a reading a thousand times smaller than the prediction is a sliver, not a matching bar", () => {
    const [predicted, measured] = widths(renderToStaticMarkup(<PeakCompare predicted={22.52 * 2 ** 30} measured={0.9 * 2 ** 20} usable={null} />));
    expect(predicted).toBe(100);
    expect(measured).toBe(0.5);
  });
});
