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
    await expect(page.getByTestId("speed-bar")).toContainText("up to 3.7× slower");
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

// Issue 15 (small screens and dark mode): a phone's panel cannot hold eight columns; there each row is a card
// (packages/ui styles.css, a container query over the same table markup). viewport only, not isMobile, as in
// console.spec.ts: a mobile browser would widen its layout viewport to fit an overflow and hide it.
const PHONE = { width: 390, height: 844 };

test("which GPUs? on a 390 px phone: each row a compact card inside the window, light and dark", async ({ browser }) => {
  for (const [colorScheme, name] of [["light", "which-gpus-mobile"], ["dark", "which-gpus-dark"]] as const) {
    await test.step(`${colorScheme}: the panel fits the window and every shown row is a card`, async () => {
      const context = await browser.newContext({ viewport: PHONE, colorScheme });
      const page = await context.newPage();
      await page.goto("/?gpu=h100-sxm&count=1&size=720*400");
      const panel = page.getByTestId("rank-panel");
      const rows = panel.getByTestId("rank-row");
      await expect(rows).toHaveCount(55);
      await panel.scrollIntoViewIfNeeded();

      const widths = await panel.evaluate((element) => ({
        right: element.getBoundingClientRect().right,
        scrollWidth: element.scrollWidth,
        clientWidth: element.clientWidth,
        page: document.scrollingElement!.scrollWidth,
      }));
      expect(widths.right, "the panel ends inside the window").toBeLessThanOrEqual(PHONE.width);
      expect(widths.scrollWidth, "nothing scrolls sideways inside the panel").toBeLessThanOrEqual(widths.clientWidth);
      expect(widths.page, "the page does not scroll sideways").toBeLessThanOrEqual(PHONE.width);

      // the wrapped table's rows were several hundred px tall, a word a line; a card is about 140 px
      const heights = await panel.locator("[data-testid=rank-row]:not([hidden])").evaluateAll((shown) => shown.map((row) => row.getBoundingClientRect().height));
      expect(heights).toHaveLength(12);
      for (const height of heights) expect(height).toBeLessThan(200);

      // first line: the GPUs, the verdict and Use side by side
      const first = rows.first();
      const [gpu, verdict, use] = [first.locator(".rank-gpu b"), first.locator(".pill"), first.getByTestId("rank-apply")];
      await expect(gpu).toBeVisible();
      await expect(gpu).toHaveText(/^\d × [\w-]+$/);
      await expect(verdict).toBeVisible();
      await expect(use).toBeVisible();
      const [gpuBox, useBox] = [(await gpu.boundingBox())!, (await use.boundingBox())!];
      expect(Math.abs(gpuBox.y + gpuBox.height / 2 - (useBox.y + useBox.height / 2))).toBeLessThan(12);
      expect(useBox.x + useBox.width).toBeLessThanOrEqual(PHONE.width);
      // the values keep their column's name beside them (the header row is only there for screen readers)
      await expect(first.getByTestId("rank-cost")).toHaveAttribute("data-label", "$/video min");
      await expect(first.getByTestId("rank-speed")).toHaveText(/^[\d.]+–[\d.]+ FPS$/);

      // the sticky site header would be painted across the middle of a panel taller than the window
      const unstick = await page.addStyleTag({ content: ".site-header { position: static !important; }" });
      await panel.screenshot({ path: `e2e/screenshots/${name}.png` });
      await unstick.evaluate((style) => (style as Element).remove());
      await use.click();
      await expect(page.getByTestId("verdict")).toHaveAttribute("data-status", "runs");
      await context.close();
    });
  }
});
