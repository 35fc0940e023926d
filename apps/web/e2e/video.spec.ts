import { expect, test, type Page } from "@playwright/test";
import { makePng, makeWav } from "../src/testing/media.ts";

// A LiveAvatar job end to end on the simulated GPU host that e2e/run.ts starts ("e2e-gpu-host": 2 × H200 from the
// committed nvidia-smi capture, the stand-in launcher writing a 1 s H.264 MP4 with Debian's ffmpeg). The inputs go
// to that host and the video comes back over the web's worker API; the job page's player really plays it.
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
};
const hasWorker = process.env.E2E_WORKER !== "0";

type Playback = { readyState: number; duration: number; videoWidth: number; currentTime: number; paused: boolean; error: string | null };
const playback = (page: Page): Promise<Playback> =>
  page.getByTestId("result-video").evaluate((video: HTMLVideoElement) => ({
    readyState: video.readyState,
    duration: video.duration,
    videoWidth: video.videoWidth,
    currentTime: video.currentTime,
    paused: video.paused,
    error: video.error ? `${video.error.code}: ${video.error.message}` : null,
  }));

test("a LiveAvatar job on a GPU host: the video comes back and plays on the job page", async ({ page }) => {
  test.skip(!hasWorker, "no workers running (E2E_NO_WORKER=1)");

  await test.step("sign up", async () => {
    await page.goto("/sign-up");
    await page.fill("#name", "Vic Video");
    await page.fill("#email", `e2e-video-${Date.now()}@example.test`);
    await page.fill("#password", "a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByTestId("team-name")).toHaveText("Vic Video's team");
  });

  const prompt = "A blue-violet gradient hums a quiet tone.";
  await test.step("1 × H200, a PNG, a 4 s WAV and a prompt; the GPU host will take it with LiveAvatar", async () => {
    await page.goto("/?gpu=h200&count=1");
    await expect(page.getByTestId("playground")).toHaveAttribute("data-hydrated", "true"); // an upload before React takes over is lost
    await expect(page.getByTestId("verdict")).toBeVisible();
    await page.getByTestId("upload-image").locator("input[type=file]").setInputFiles({ name: "face.png", mimeType: "image/png", buffer: makePng(384, 384) });
    await expect(page.getByTestId("image-preview")).toBeVisible();
    await page.getByTestId("upload-audio").locator("input[type=file]").setInputFiles({ name: "voice.wav", mimeType: "audio/wav", buffer: makeWav(4) });
    await expect(page.getByTestId("clip-math")).toContainText("= 3 clips");
    await page.fill("#prompt", prompt);
    // the GPU host registers a few seconds after the servers start; the form re-reads the hosts every 15 s
    await expect(page.locator("#runner option[value=liveavatar]")).toBeEnabled({ timeout: 60_000 });
    await page.selectOption("#runner", "liveavatar");
    await expect(page.getByTestId("host-hint")).toContainText("e2e-gpu-host will take this job on GPU 0");
  });

  await test.step("submit and follow the job until it succeeds on the GPU host", async () => {
    await page.getByTestId("submit-job").click();
    const confirm = page.getByTestId("confirm-submit");
    // a refusal, a saved check or a server error ends the wait at once, with its text
    const stopped = page.locator(".callout-error[role=alert], [data-testid=saved-as-check]").first();
    await Promise.race([
      confirm.waitFor().then(() => confirm.click()),
      page.waitForURL(/\/jobs\/.+/),
      stopped.waitFor().then(async () => {
        throw new Error(`not queued: ${await stopped.textContent()}`);
      }),
    ]);
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("job-state").first()).toHaveAttribute("data-state", /^(succeeded|failed|cancelled)$/, { timeout: 120_000 });
    await expect(page.getByTestId("job-failure")).toHaveCount(0); // names the failure if there was one
    await expect(page.getByTestId("job-state").first()).toHaveAttribute("data-state", "succeeded");
    await expect(page.getByTestId("job-host")).toHaveText("e2e-gpu-host");
    await expect(page.getByTestId("job-prompt")).toHaveText(prompt);
    await expect(page.getByTestId("job-input-image")).toBeVisible();
    await expect(page.getByTestId("job-input-audio")).toBeVisible();
  });

  await test.step("the <video> loads the MP4 and plays: frames decoded, time advancing, no error", async () => {
    const video = page.getByTestId("result-video");
    await expect(video).toBeVisible();
    // readyState ≥ 2 (HAVE_CURRENT_DATA): a frame decoded; a failure names the media error (a demuxer or codec error)
    await expect.poll(async () => {
      const { readyState, error } = await playback(page);
      return { hasCurrentData: readyState >= 2, error };
    }).toEqual({ hasCurrentData: true, error: null });
    const loaded = await playback(page);
    expect(loaded.duration).toBeGreaterThan(0);
    expect(loaded.videoWidth).toBeGreaterThan(0);
    // muted: a headless page without a user gesture may not start sound
    await video.evaluate((element: HTMLVideoElement) => {
      element.muted = true;
      return element.play();
    });
    await expect.poll(async () => (await playback(page)).currentTime, { message: "currentTime advances after play()" }).toBeGreaterThan(0);
    expect((await playback(page)).error).toBeNull();
    await video.evaluate((element: HTMLVideoElement) => element.pause());
    await shot(page, "job-video");
  });
});
