import { expect, test, type Browser, type Page } from "@playwright/test";

// The run console on a phone and in the dark (issue 15): every main page at 390 px without sideways scrolling,
// the playground's verdict before its form, the job page of a CPU probe run (a smoke run), and dark mode from
// the system setting and from the toggle. Screenshots land beside playground.spec.ts's as *-mobile.png / *-dark.png.
// viewport only, not isMobile: a mobile browser widens its layout viewport to fit content that overflows, so
// innerWidth would grow with the page and the overflow check could not fail
const PHONE = { width: 390, height: 844 };
const hasWorker = process.env.E2E_WORKER !== "0";

const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
};

// soft: one run names every page that overflows, and the elements sticking out of it
const noSidewaysOverflow = async (page: Page) => {
  const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => {
    const wide = [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((element) => !element.parentElement || element.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} (${Math.round(element.getBoundingClientRect().right)} px)`);
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth, culprits: wide };
  });
  expect.soft(scrollWidth, `${new URL(page.url()).pathname} is ${scrollWidth} px wide in a ${innerWidth} px window: ${culprits.join(", ")}`).toBeLessThanOrEqual(innerWidth);
};

const signIn = async (browser: Browser, options: Parameters<Browser["newContext"]>[0], email: string) => {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.fill("#email", email);
  await page.fill("#password", "a long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("team-name")).toBeVisible();
  return { context, page };
};

test("the console on a 390 px phone and in dark mode", async ({ browser }) => {
  const email = `e2e-phone-${Date.now()}@example.test`;
  const phone = await browser.newContext({ viewport: PHONE });
  const page = await phone.newPage();
  let jobPath: string | null = null;

  await test.step("sign up on a phone", async () => {
    await page.goto("/sign-up");
    await noSidewaysOverflow(page);
    await shot(page, "sign-up-mobile");
    await page.fill("#name", "Phoebe Phone");
    await page.fill("#email", email);
    await page.fill("#password", "a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByTestId("team-name")).toHaveText("Phoebe Phone's team");
  });

  await test.step("the playground: the verdict comes before the form, nothing overflows", async () => {
    await page.goto("/");
    const verdict = page.getByTestId("verdict");
    await expect(verdict).toBeVisible();
    const [verdictBox, formBox] = [await verdict.boundingBox(), await page.locator("form.playground-form").boundingBox()];
    expect(verdictBox!.y).toBeLessThan(formBox!.y);
    expect(verdictBox!.y).toBeLessThan(PHONE.height); // on the first screen, not ~2,000 px down
    await noSidewaysOverflow(page);
    await shot(page, "playground-mobile");
  });

  await test.step("submit a probe job and follow it on the phone", async () => {
    await page.getByTestId("submit-job").click();
    const confirm = page.getByTestId("confirm-submit");
    const outcome = await Promise.race([
      confirm.waitFor().then(async () => {
        await confirm.click();
        await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
        return "queued";
      }),
      page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/).then(() => "queued"),
      page.getByTestId("saved-as-check").waitFor().then(() => "saved"),
    ]);
    if (outcome !== "queued") return; // no online host takes this plan: saved as a check, no job page to check
    jobPath = new URL(page.url()).pathname;
    await expect(page.getByTestId("job-state").first()).toBeVisible();
    await expect(page.getByTestId("job-inputs")).toContainText("the probe makes its own inputs");
    await noSidewaysOverflow(page);
    await shot(page, "job-queued-mobile");
  });

  await test.step("the finished CPU probe run is a smoke run: labelled, no predicted-vs-measured chart, every log line read", async () => {
    if (!hasWorker || jobPath === null) return; // no worker running (E2E_NO_WORKER=1)
    await expect(page.getByTestId("job-state").first()).toHaveAttribute("data-state", /^(succeeded|failed|cancelled)$/, { timeout: 180_000 });
    await page.waitForTimeout(1500); // the last log poll
    await expect(page.getByTestId("smoke-run")).toHaveText("smoke run — not a measurement");
    await expect(page.getByTestId("smoke-note")).toBeVisible();
    await expect(page.getByTestId("vram-chart")).toHaveCount(0);
    await expect(page.getByTestId("peak-compare")).toHaveCount(0);
    await expect(page.getByTestId("job-host")).toHaveText("e2e-cpu-worker");
    if ((await page.getByTestId("job-state").first().getAttribute("data-state")) === "succeeded") {
      // the worker uploaded its measurement over HTTP (issue 17): stored by the web app, served back to the team
      const result = page.getByRole("link", { name: /^measurement: probe-result\.json/ });
      await expect(result).toBeVisible();
      const served = await page.request.get((await result.getAttribute("href"))!);
      expect(served.status()).toBe(200);
      expect(JSON.parse(await served.text())).toHaveProperty("peakDeviceUsed");
    }
    const log = page.getByTestId("job-log");
    await expect(log).toContainText("warm-up (forward 1/");
    await expect(log).toContainText(/block 1\/\d+ · step 1\/\d+/);
    await expect(log).not.toContainText("unreadable event");
    await expect(log).not.toContainText("not a protocol event");
    await expect(page).toHaveTitle(/^(✓ job done|✗ job failed|\(1\) job cancelled) — Headroom$/); // the page followed it to the end
    await noSidewaysOverflow(page);
    await shot(page, "job-finished-mobile");
  });

  await test.step("jobs, hosts and team pages fit the phone; the invite link is shown whole with a copy button", async () => {
    for (const [path, name] of [["/jobs", "jobs-mobile"], ["/hosts", "hosts-mobile"]] as const) {
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      await noSidewaysOverflow(page);
      await shot(page, name);
    }
    await page.goto("/team");
    await page.fill("#invite-email", "phone-friend@example.test");
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.getByTestId("invite-link-text")).toHaveText(/^http.+\/invite\/.+\?token=[\w-]+$/);
    await expect(page.getByTestId("copy-link")).toBeVisible();
    await noSidewaysOverflow(page);
    await shot(page, "team-mobile");
    await page.goto("/sign-in"); // signed in, the page still renders; the layout is what is checked
    await noSidewaysOverflow(page);
  });
  await phone.close();

  await test.step("dark mode follows the system setting; the toggle overrides it and is remembered", async () => {
    const { context, page: dark } = await signIn(browser, { viewport: { width: 1440, height: 900 }, colorScheme: "dark" }, email);
    const background = () => dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await dark.goto("/");
    await expect(dark.getByTestId("verdict")).toBeVisible();
    expect(await background()).toBe("rgb(14, 19, 26)");
    await shot(dark, "playground-dark");
    for (const [path, name] of [["/jobs", "jobs-dark"], ["/team", "team-dark"], ["/hosts", "hosts-dark"], ...(jobPath ? [[jobPath, "job-dark"]] : [])] as const) {
      await dark.goto(path);
      await expect(dark.locator("main h1").first()).toBeVisible();
      await dark.waitForTimeout(500);
      await shot(dark, name);
    }
    // system → light: the choice sticks across a reload, set before the first paint by the boot script
    await dark.getByTestId("theme-toggle").click();
    await expect(dark.locator("html")).toHaveAttribute("data-theme", "light");
    expect(await background()).toBe("rgb(244, 245, 247)");
    await dark.reload();
    await expect(dark.locator("html")).toHaveAttribute("data-theme", "light");
    expect(await background()).toBe("rgb(244, 245, 247)");
    // light → dark, on a system that says dark anyway; then → system again
    await dark.getByTestId("theme-toggle").click();
    await expect(dark.locator("html")).toHaveAttribute("data-theme", "dark");
    await dark.getByTestId("theme-toggle").click();
    await expect(dark.locator("html")).not.toHaveAttribute("data-theme", /./);
    expect(await background()).toBe("rgb(14, 19, 26)");
    await context.close();
  });

  await test.step("the phone in dark mode", async () => {
    const { context, page: both } = await signIn(browser, { viewport: PHONE, colorScheme: "dark" }, email);
    await both.goto("/");
    await expect(both.getByTestId("verdict")).toBeVisible();
    await noSidewaysOverflow(both);
    await shot(both, "playground-mobile-dark");
    await context.close();
  });
});
