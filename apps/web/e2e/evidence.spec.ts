import { readdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";

const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
};

const committedRuns = readdirSync("../../data/measurements").filter((name) => name.endsWith(".json")).length;

test("evidence: a report's error bars lead to every measured run and every published speed observation", async ({ page }) => {
  await page.goto("/?gpu=h100-sxm&count=5");

  await test.step("the speed panel's error bar links to the speed evidence", async () => {
    await page.getByTestId("speed-bar").getByRole("link", { name: "see them" }).click();
    await expect(page).toHaveURL(/\/evidence#speed$/);
  });

  await test.step("memory: one row per committed run, all within the bar, and the summary counts them", async () => {
    const runs = page.getByTestId("evidence-run");
    await expect(runs).toHaveCount(committedRuns);
    await expect(page.locator('[data-testid=evidence-run][data-within="false"]')).toHaveCount(0);
    await expect(page.getByTestId("memory-summary")).toContainText(/\d+ of \d+ measured peaks within ±max\(3 %, 0\.5 GiB\)/);
    // probe 0.5.0 beside upstream on the plans both measured (704x384 fp8 and bf16, 2 clips): four phases each
    await expect(page.getByTestId("instruments").locator("tbody tr")).toHaveCount(8);
    await expect(page.getByTestId("instruments")).toContainText("h200-704x384-default-c2 / upstream-704x384-c2");
    // upstream's own runs phase by phase: every phase within the bar of [live, held] (the probe's VAE runs under autocast now)
    await expect(page.locator('[data-testid=upstream-phases] tr[data-phase="decode"]').first()).toBeVisible();
    await expect(page.locator("[data-testid=upstream-phases] td.is-outside")).toHaveCount(0);
  });

  await test.step("speed: kernel factors with sources, observations linked to where they were written, the 45 → 6–9 arithmetic", async () => {
    await expect(page.getByTestId("kernel-factors").locator("tbody tr")).toHaveCount(4);
    await expect(page.getByTestId("kernel-factors")).toContainText("×1.27");
    const observations = page.getByTestId("speed-observation");
    await expect(observations.filter({ hasText: "README 45 FPS" })).toContainText("45.0");
    await expect(page.locator('a[href="https://github.com/Alibaba-Quark/LiveAvatar/issues/38"]')).toHaveCount(1);
    await expect(page.locator('[data-testid=speed-observation][data-held="false"]')).toContainText("issue #35");
    await expect(page.getByTestId("speed-why")).toContainText("2.25×");
    // the forward, decode and re-encode, summarised against their speed terms once per instrument (probe and upstream)
    for (const stage of ["dit-forward", "vae-decode", "vae-reencode"]) {
      for (const instrument of ["probe", "upstream"]) await expect(page.locator(`[data-testid=stage-timings] [data-stage="${stage}"][data-instrument="${instrument}"]`)).toHaveCount(1);
    }
    await shot(page, "evidence");
  });

  await test.step("at phone width the page does not scroll sideways: wide tables scroll inside their panel", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
