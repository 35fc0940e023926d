import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { makePng } from "../src/testing/media.ts";

// The run console: the form names the host, uploads survive navigation, and the jobs list filters, exports and compares.
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
};
const hasWorker = process.env.E2E_WORKER !== "0";

/** Submits the playground's plan with the probe, confirming warnings, and returns the new job's id. */
const submitProbe = async (page: Page, query: string): Promise<string> => {
  await page.goto(`/?${query}`);
  await expect(page.getByTestId("verdict")).toBeVisible();
  await page.getByTestId("submit-job").click();
  const confirm = page.getByTestId("confirm-submit");
  await Promise.race([confirm.waitFor().then(() => confirm.click()), page.waitForURL(/\/jobs\/.+/)]);
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  return page.url().split("/").at(-1)!;
};

test("the form names the host, uploads survive navigation; filter, export and compare jobs", async ({ page }) => {
  await test.step("sign up", async () => {
    await page.goto("/sign-up");
    await page.fill("#name", "Jo Jobs");
    await page.fill("#email", `e2e-jobs-${Date.now()}@example.test`);
    await page.fill("#password", "a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByTestId("team-name")).toHaveText("Jo Jobs's team");
  });

  await test.step("the form says which host takes the job; LiveAvatar is not offered where no host can run it", async () => {
    test.skip(!hasWorker, "no worker running (E2E_NO_WORKER=1)");
    // 5 GPUs: the CPU worker has none and the simulated GPU host (e2e/run.ts) two, so no online host runs LiveAvatar
    await page.goto("/?gpu=rtx-4090&count=5&num_clip=3");
    const hint = page.getByTestId("host-hint");
    await expect(hint).toContainText("e2e-cpu-worker will take this job as a smoke run", { timeout: 30_000 });
    await expect(page.locator("#runner option[value=liveavatar]")).toBeDisabled();
    await expect(page.locator("#runner option[value=liveavatar]")).toContainText("(no online host)");
    await shot(page, "playground-host-hint");
  });

  await test.step("an upload keeps its name and survives a trip to the jobs list", async () => {
    await page.goto("/?gpu=rtx-4090&count=1&num_clip=3");
    await expect(page.getByTestId("playground")).toHaveAttribute("data-hydrated", "true"); // an upload before React takes over is lost
    await page.getByTestId("upload-image").locator("input[type=file]").setInputFiles({ name: "portrait.png", mimeType: "image/png", buffer: makePng(384, 384) });
    await expect(page.getByTestId("image-preview")).toBeVisible();
    await expect(page.getByTestId("image-name")).toHaveText("portrait.png");
    await page.getByRole("link", { name: "Jobs", exact: true }).first().click();
    await page.waitForURL(/\/jobs$/);
    await page.goto("/");
    await expect(page.getByTestId("image-name")).toHaveText("portrait.png");
    await expect(page.getByTestId("image-preview")).toBeVisible();
    await expect(page.locator("[data-flag=image_size]")).toHaveValue("384*384"); // the kept image sets the frame again
    await shot(page, "playground-upload-kept");
  });

  const a = await test.step("submit two probe jobs on different GPUs", () => submitProbe(page, "gpu=rtx-4090&count=1&num_clip=3"));
  const b = await test.step("…and another", () => submitProbe(page, "gpu=h200&count=1&num_clip=3&offload_kv_cache=true&t5_cpu=true"));

  await test.step("the plan column shows the flags that tell plans apart; filter by GPU", async () => {
    await page.goto("/jobs");
    const rows = page.getByTestId("jobs-table").locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.first().getByTestId("plan-flags")).toContainText("offload_kv_cache");
    await expect(rows.first().getByTestId("plan-flags")).toContainText("t5_cpu");
    await page.selectOption("#gpu-filter", "rtx-4090");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("RTX 4090");
    await shot(page, "jobs-filtered");
  });

  await test.step("export the filtered list as CSV and JSON", async () => {
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^headroom-jobs-.+\.csv$/);
    const csv = readFileSync((await csvDownload.path())!, "utf8").trim().split("\r\n");
    expect(csv[0]).toMatch(/^id,state,error_class,runner,member,host,gpu,gpu_count,/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(`${a},`);
    expect(csv[1]).toContain(",Jo Jobs,");
    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, "utf8")) as { id: string; plan: { hardware: { gpu: string } } }[];
    expect(json.map((job) => [job.id, job.plan.hardware.gpu])).toEqual([[a, "rtx-4090"]]);
  });

  await test.step("tick two jobs and compare them side by side", async () => {
    await page.selectOption("#gpu-filter", "");
    const rows = page.getByTestId("jobs-table").locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId("compare-hint")).toBeVisible();
    await rows.nth(0).getByTestId("pick-job").check();
    await rows.nth(1).getByTestId("pick-job").check();
    await page.getByTestId("compare-picked").click();
    await page.waitForURL(/\/jobs\/compare\?a=.+&b=.+/);
    expect(new URL(page.url()).searchParams.get("a")).toBe(b);
    const flags = page.getByTestId("compare-flags");
    await expect(flags).toContainText("--gpu");
    await expect(flags).toContainText("--t5_cpu");
    await expect(page.getByTestId("compare-memory")).toContainText("denoise · predicted");
    await expect(page.getByTestId("compare-speed")).toContainText("wall time · predicted");
    await expect(page.getByTestId("compare-host-ram")).toContainText("run · predicted");
    await shot(page, "jobs-compare");
  });
});
