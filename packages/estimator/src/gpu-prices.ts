/**
 * On-demand rental prices per catalog GPU, each with its provider, page and dates, so "cheapest" and "$ per minute of
 * video" rest on something a person can check. Exports (names are stable; other packages call them):
 *   GPU_PRICES            Record<GpuId, GpuPrice | null>: null where no public on-demand price was found
 *   PRICES_READ_ON        the date Headroom read the copies below
 *   pricePerGpuHour(gpu)  USD per GPU-hour for a catalog id, null for a custom GPU or an unpriced one
 *   dollarsPerHour(plan)  the plan's GPUs together, USD per hour, or null
 *   formatDollars(usd)    "$3.49", "$0.51"
 *   dollarsPerVideoMinute(plan, speed)  USD per minute of generated video: the whole run's wall time (start-up
 *                         included) at dollarsPerHour, divided by the video it produces; null when unpriced or no video
 *
 * Headroom cannot browse the live web; every price below was read from a stored copy of a public page. One provider
 * (RunPod, Secure Cloud pods: per-second billing, no commitment) is used wherever it lists the card, so the prices
 * order the cards consistently; where it does not, the row says which other product or provider it is. Prices move:
 * a row's `pricedOn` is when the page it quotes was read, and the UI shows that date beside every price.
 */
import type { GpuId } from "./gpu-catalog.ts";
import type { Hardware } from "./plan.ts";

export type GpuPrice = {
  usdPerGpuHour: number;
  provider: string;
  /** The offer priced, in the provider's words. */
  product: string;
  /** The provider's page the price is from. */
  url: string;
  /** When that page was read (by whoever transcribed it, where `via` names a transcription). */
  pricedOn: string;
  /** The stored copy Headroom read it from, when not the provider's page itself. */
  via: string | null;
};

/** When the copies cited below were read for this table. */
export const PRICES_READ_ON = "2026-12-04";

const RUNPOD_PRICING = "https://www.runpod.io/pricing";
/** A dated transcription of runpod.io/pricing and lambda.ai/pricing, one row per offer with the URL and the day it was checked. */
const SILYBENCH = "github.com/tgarg01/silybench-data derived/csv/gpu_prices.csv (checked_at 2026-09-25)";
const RUNPOD_SERVERLESS = "https://docs.runpod.io/serverless/pricing";

const runpodPod = (usdPerGpuHour: number, product: string): GpuPrice => ({
  usdPerGpuHour,
  provider: "RunPod",
  product: `${product}, Secure Cloud pod (on-demand)`,
  url: RUNPOD_PRICING,
  pricedOn: "2026-09-25",
  via: SILYBENCH,
});

/** RunPod's serverless "flex" workers bill per second with no commitment; their rate is above a pod's for the same card. */
const runpodServerless = (usdPerSecond: number, product: string): GpuPrice => ({
  usdPerGpuHour: Math.round(usdPerSecond * 3600 * 100) / 100,
  provider: "RunPod",
  product: `${product}, Serverless flex worker ($${usdPerSecond}/s; no pod price found)`,
  url: RUNPOD_SERVERLESS,
  pricedOn: PRICES_READ_ON,
  via: null,
});

export const GPU_PRICES: Record<GpuId, GpuPrice | null> = {
  "rtx-3090": runpodServerless(0.00019, "L4, A5000, 3090 tier"),
  "rtx-4090": runpodPod(0.74, "RTX 4090"),
  // No dated on-demand RTX 5090 price from the provider's own page was found in the stored pages.
  "rtx-5090": null,
  "rtx-a6000": runpodServerless(0.00034, "A6000, A40 tier"),
  l40s: runpodPod(1.09, "L40S"),
  "a100-40gb": {
    usdPerGpuHour: 1.99,
    provider: "Lambda",
    product: "1x A100 SXM 40GB (on-demand)",
    url: "https://lambda.ai/pricing",
    pricedOn: "2026-09-25",
    via: SILYBENCH,
  },
  "a100-80gb": runpodPod(1.59, "A100 SXM 80GB"),
  "h100-sxm": runpodPod(3.49, "H100 SXM"),
  "h100-pcie": runpodPod(2.89, "H100 PCIe"),
  h200: runpodPod(4.59, "H200"),
  b200: runpodPod(6.79, "B200"),
};

/** USD per GPU-hour, or null for a custom GPU or one with no found price. */
export const pricePerGpuHour = (gpu: GpuId | "custom"): number | null => (gpu === "custom" ? null : GPU_PRICES[gpu]?.usdPerGpuHour ?? null);

export type PricedPlan = { hardware: Pick<Hardware, "gpu" | "count"> };

/** Every GPU the plan rents, per hour. */
export const dollarsPerHour = (plan: PricedPlan): number | null => {
  const price = pricePerGpuHour(plan.hardware.gpu);
  return price === null ? null : price * plan.hardware.count;
};

/** The whole run (start-up included: the GPUs are rented while weights load and compile) per minute of video it makes. */
export const dollarsPerVideoMinute = (plan: PricedPlan, speed: { wallSeconds: number; videoSeconds: number }): number | null => {
  const perHour = dollarsPerHour(plan);
  if (perHour === null || !(speed.videoSeconds > 0) || !Number.isFinite(speed.wallSeconds)) return null;
  return (perHour * speed.wallSeconds) / 3600 / (speed.videoSeconds / 60);
};

/** "$3.49" from a dollar up; two significant figures below one ("$0.51", "$0.042"). */
export const formatDollars = (usd: number): string => (usd >= 1 ? `$${usd.toFixed(2)}` : `$${Number(usd.toPrecision(2))}`);
