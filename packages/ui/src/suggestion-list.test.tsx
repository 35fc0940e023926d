import { resolvePlan } from "@headroom/estimator";
import { suggest } from "@headroom/rules";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SuggestionList } from "./suggestion-list.tsx";

// FR-21 on a 128 GB host with --fp8: flags-only plans on the 4090s and plans on other hardware, some risky.
const FR21 = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5, hostRamGb: 128 }, params: { size: "704*384", numClip: 100, fp8: true } });
const suggestions = suggest(FR21);
const html = renderToStaticMarkup(<SuggestionList suggestions={suggestions} />);

describe("SuggestionList", () => {
  it("groups the suggestions: flags only, then other hardware, each under its heading", () => {
    const groups = [...html.matchAll(/data-testid="suggestions-([a-z-]+)"/g)].map((match) => match[1]);
    expect(groups).toEqual([...new Set(suggestions.map((s) => s.group))].sort((a) => (a === "same-hardware" ? -1 : 1)));
    expect(html).toContain("Different hardware (GPU model, count, host RAM)");
  });

  it("lists every hardware change in words and every flag", () => {
    const other = suggestions.find((s) => s.group === "different-hardware")!;
    for (const change of [...other.hardwareChanges, ...other.flagChanges]) expect(html).toContain(change.replaceAll(">", "&gt;"));
    expect(html).toMatch(/<li class="change-hardware" data-testid="hardware-change">host RAM raised from 128 GB to \d+ GB/);
  });

  it("shows a risky suggestion with its own amber pill, and the $ per minute of video where there is a price", () => {
    expect(suggestions.some((s) => s.verdict.status === "risky")).toBe(true);
    expect(html).toContain('<span class="pill pill-risky">Risky</span>');
    expect(html).toMatch(/\$[\d.]+ per minute of video/);
  });
});
