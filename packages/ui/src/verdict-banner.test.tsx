import { estimate, resolvePlan } from "@headroom/estimator";
import { evaluate } from "@headroom/rules";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { VerdictBanner } from "./verdict-banner.tsx";

describe("VerdictBanner", () => {
  it("a plan that fits but leans on fp8 under FSDP reads 'Risky: fits …, but' the finding, in its own style, never Runs", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 256 }, params: { size: "704*384", numClip: 100, fp8: true, t5Cpu: true }, parallel: { ditFsdp: true } });
    const est = estimate(plan);
    const html = renderToStaticMarkup(<VerdictBanner verdict={evaluate(plan, est)} estimate={est} />);
    expect(html).toContain('class="verdict verdict-risky"');
    expect(html).toContain('<div class="verdict-status">Risky</div>');
    expect(html).toMatch(/<p class="verdict-headline">fits \(.+ headroom on the fullest GPU\), but .+stall/);
    expect(html).not.toContain(">Runs<");
  });
});
