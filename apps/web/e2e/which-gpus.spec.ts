import { expect, test, type Page } from "@playwright/test";

// from the top: a full-page capture of a scrolled page paints the sticky header mid-page
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
};

test("which GPUs? ranks 720*400 on every catalog GPU, speed as ranges, and a row applies its plan", async ({ page }) => {
  await page.goto("/?gpu=h100-sxm&count=1&size=720*400");
  const panel = page.getByTestId("rank-panel");
  const rows = panel.getByTestId("rank-row");
  await expect(rows).toHaveCount(55);

  await test.step("best first: the first row runs and shows an FPS range and a $ per video minute range", async () => {
    const first = rows.first();
    await expect(first).toHaveAttribute("data-status", "runs");
    await expect(first.getByTestId("rank-speed")).toHaveText(/^[\d.]+–[\d.]+ FPS$/);
    await expect(first.getByTestId("rank-cost")).toHaveText(/^\$[\d.]+–[\d.]+$/);
  });

  await test.step("what 5 × H100 give: a TPP row priced at 5 × $3.49 an hour", async () => {
    const h100 = panel.locator('[data-testid=rank-row][data-gpu="h100-sxm"][data-count="5"]');
    await expect(h100).toContainText("TPP: 4 DiT ranks + 1 VAE rank");
    await expect(h100).toContainText("$17.45");
  });

  await test.step("the speed panel shows ranges, not points", async () => {
    await expect(page.getByTestId("fps")).toHaveText(/[\d.]+–[\d.]+ FPS/);
    await expect(page.getByTestId("speed-bar")).toContainText("up to 5.2× slower");
  });

  await test.step("order by FPS, show all rows, see where each price comes from", async () => {
    await panel.getByTestId("rank-order").click();
    await expect(panel.getByTestId("rank-order")).toHaveText("order by cost");
    await panel.getByTestId("rank-all").click();
    await panel.getByTestId("rank-prices").locator("summary").click();
    await expect(panel.getByTestId("rank-prices")).toContainText("rtx-5090: no public on-demand price found");
    await panel.scrollIntoViewIfNeeded();
    await shot(page, "which-gpus");
  });

  await test.step("'Use' on the 5 × H100 row makes it the plan", async () => {
    await panel.locator('[data-testid=rank-row][data-gpu="h100-sxm"][data-count="5"]').getByTestId("rank-apply").click();
    await expect(page.locator("[data-flag=count]")).toHaveValue("5");
    expect(page.url()).toContain("count=5");
    await expect(page.getByTestId("verdict")).toHaveAttribute("data-status", "runs");
  });
});
