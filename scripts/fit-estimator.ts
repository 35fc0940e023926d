// `npm run fit`: refit the estimator's free terms to every probe run under data/measurements and write them,
// with the runs they came from, to packages/estimator/src/fitted.json. Each term is read off the phases where it
// is the only unknown: everything else in that phase is architecture (weights, KV cache) computed by the estimator.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import {
  audioEncoderBytes, ditWeightBytes, FITTED, getProfile, kvCacheLayout, latentFramesPerClip, Measurement,
  pixelsPerFrame, singleDecodeOutputFrames, tokensPerBlock, tokensPerLatentFrame, vaeWeightBytes, GIB, type Plan,
} from "@headroom/estimator";

const DIR = "data/measurements";
const OUT = "packages/estimator/src/fitted.json";
const AT_CAP_BYTES = 0.1 * GIB;

type Reading = { allocated: number; reserved: number; deviceUsed: number };
type Point = { id: string; plan: Plan; phase: string; reading: Reading; ranks: number };

const runs = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort().map((f) => Measurement.parse(JSON.parse(readFileSync(`${DIR}/${f}`, "utf8"))));
/** Phases that completed and did not run into the cap (where the allocator's numbers say "the cap", not "the need"). */
const points: Point[] = runs.flatMap((m) =>
  m.ranks.flatMap((rank) =>
    Object.entries(rank.phases).flatMap(([phase, reading]) =>
      reading && (m.capBytes === null || reading.deviceUsed < m.capBytes - AT_CAP_BYTES) ? [{ id: m.id, plan: m.plan, phase, reading, ranks: m.ranks.length }] : [],
    ),
  ),
);
const used = new Set<string>();
const take = (filter: (p: Point) => boolean): Point[] => points.filter(filter).map((p) => (used.add(p.id), p));
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN; };
/** Least squares y = a + b·x. */
const line = (xs: number[], ys: number[]): { a: number; b: number } => {
  const n = xs.length, mx = xs.reduce((s, x) => s + x, 0) / n, my = ys.reduce((s, y) => s + y, 0) / n;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return { a: my - b * mx, b };
};

const profile = getProfile("liveavatar-1.0");
const single = (p: Point) => p.plan.parallel.mode === "single" && p.ranks === 1;
const dit = (plan: Plan) => ditWeightBytes(profile, plan.params.fp8);
const kv = (plan: Plan) => kvCacheLayout(profile, plan.params.inferFrames, tokensPerLatentFrame(plan.params.size, profile), "single", plan.params.sampleSteps, plan.params.offloadKvCache);

const cudaContextBytes = median(take(single).map((p) => p.reading.deviceUsed - p.reading.reserved));
const denoise = take((p) => single(p) && p.phase === "denoise" && !p.plan.params.offloadKvCache);
const allocatorSlackShare = median(denoise.map((p) => (p.reading.reserved - p.reading.allocated) / p.reading.allocated));
const activation = line(denoise.map((p) => tokensPerBlock(p.plan.params.size, profile)), denoise.map((p) => p.reading.allocated - dit(p.plan) - kv(p.plan).gpuBytes));

const decode = take((p) => single(p) && p.phase === "decode" && !p.plan.params.enableOnlineDecode);
const decodeRest = (p: Point) => {
  const px = pixelsPerFrame(p.plan.params.size);
  const frames = singleDecodeOutputFrames(latentFramesPerClip(p.plan.params.inferFrames, profile));
  return p.reading.allocated - dit(p.plan) - (p.plan.params.offloadKvCache ? 0 : kv(p.plan).condBytes) - vaeWeightBytes(profile) - frames * 3 * px * 4;
};
const vaeDecodeBytesPerPixel = decode.reduce((s, p) => s + decodeRest(p) * pixelsPerFrame(p.plan.params.size), 0) / decode.reduce((s, p) => s + pixelsPerFrame(p.plan.params.size) ** 2, 0);

const media = take((p) => single(p) && p.phase === "encode" && p.plan.params.t5Cpu);
const mediaLine = line(media.map((p) => pixelsPerFrame(p.plan.params.size)), media.map((p) => p.reading.allocated - dit(p.plan) - vaeWeightBytes(profile) - audioEncoderBytes(profile, true)));

const churn = take((p) => single(p) && p.phase === "denoise" && p.plan.params.offloadKvCache);
const kvOffloadChurnShare = median(churn.map((p) => (p.reading.reserved - p.reading.allocated * (1 + allocatorSlackShare)) / kv(p.plan).bytesPerCache));

const fsdp = take((p) => p.ranks > 1 && p.plan.parallel.ditFsdp);
const ncclBufferBytes = median(fsdp.map((p) => p.reading.deviceUsed - p.reading.reserved - cudaContextBytes));
const fsdpDenoise = fsdp.filter((p) => p.phase === "denoise");
const fsdpAllocatorSlackShare = fsdpDenoise.length ? median(fsdpDenoise.map((p) => (p.reading.reserved - p.reading.allocated) / p.reading.allocated)) : FITTED.fsdpAllocatorSlackShare;
const flatten = fsdp.filter((p) => p.phase === "load" && p.plan.parallel.fsdpWrap === "block");
const fsdpFlattenFactor = flatten.length
  ? Math.max(...flatten.map((p) => (p.reading.allocated - dit(p.plan) / p.plan.hardware.count - vaeWeightBytes(profile)) / (profile.dit.extraParams * (p.plan.params.fp8 ? 1 : 2))))
  : FITTED.fsdpFlattenFactor;

const round = (x: number, digits = 0) => Number(x.toFixed(digits));
const constants = {
  cudaContextBytes: round(cudaContextBytes),
  ncclBufferBytes: round(ncclBufferBytes),
  allocatorSlackShare: round(allocatorSlackShare, 4),
  fsdpAllocatorSlackShare: round(fsdpAllocatorSlackShare, 4),
  activationBaseBytes: round(activation.a),
  activationBytesPerToken: round(activation.b),
  vaeDecodeBytesPerPixel: round(vaeDecodeBytesPerPixel),
  mediaEncodeBaseBytes: round(mediaLine.a),
  mediaEncodeBytesPerPixel: round(mediaLine.b),
  kvOffloadChurnShare: round(kvOffloadChurnShare, 4),
  fsdpFlattenFactor: round(fsdpFlattenFactor, 3),
};
for (const [key, value] of Object.entries(constants)) {
  if (!Number.isFinite(value)) throw new Error(`fit: ${key} has no data to fit (${value}); keep the old value or add measurements`);
}
const fittedAt = new Date().toISOString().slice(0, 10);
writeFileSync(OUT, `${JSON.stringify({ command: "npm run fit", fittedAt, measurements: [...used].sort(), constants }, null, 2)}\n`);
console.log(`fit: ${used.size} of ${runs.length} runs used → ${OUT}`);
for (const [key, value] of Object.entries(constants)) console.log(`  ${key.padEnd(26)} ${String((FITTED as Record<string, number>)[key]).padStart(12)} → ${value}`);
console.log("Check it: npm run headroom -- calibration");
