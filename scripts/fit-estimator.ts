// `npm run fit`: refit the estimator's free terms to every probe run under data/measurements (upstream's runs are the
// independent check calibration holds the fit to, not fitted) and write them,
// with the runs they came from, to packages/estimator/src/fitted.json. Each term is read off the phases where it
// is the only unknown: everything else in that phase is architecture (weights, KV cache) computed by the estimator.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import {
  audioEmbBytes, audioEncoderBytes, blockWeightBytes, comparedPlan, DEFAULT_AUDIO_SECONDS, ditWeightBytes, FITTED, generationFrame, getProfile,
  kvCacheLayout, latentFramesPerClip, Measurement, motionFrames, motionLatentFrames, singleDecodeOutputFrames, tokensPerFrameOf, videosLastFramesBytes,
  vaeWeightBytes, GIB, type Plan,
} from "@headroom/estimator";

const DIR = "data/measurements";
const OUT = "packages/estimator/src/fitted.json";
const AT_CAP_BYTES = 0.1 * GIB;

type Reading = { allocated: number; reserved: number; deviceUsed: number };
type Point = { id: string; plan: Plan; phase: string; reading: Reading; ranks: number; rank: number; role: string | null; inNccl: boolean; probeVersion: string };

const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, "utf8")) as { instrument?: { kind?: string }; ranks: { role?: string }[] }).filter((json) => json.instrument?.kind !== "upstream");
const runs = files.map((json) => Measurement.parse(json));
const roles = new Map(runs.map((m, i) => [m.id, files[i]!.ranks.map((rank) => rank.role ?? null)]));
/** Phases that completed and did not run into the cap (where the allocator's numbers say "the cap", not "the need"). */
const points: Point[] = runs.flatMap((m) =>
  m.ranks.flatMap((rank) =>
    Object.entries(rank.phases).flatMap(([phase, reading]) =>
      reading && (m.capBytes === null || reading.deviceUsed < m.capBytes - AT_CAP_BYTES)
        ? [{ id: m.id, plan: comparedPlan(m), phase, reading, ranks: m.ranks.length, rank: rank.rank, role: roles.get(m.id)?.[rank.rank] ?? null, inNccl: !(m.emulation?.ranksWithoutNccl ?? []).includes(rank.rank), probeVersion: m.instrument.version ?? "0.0.0" }]
        : [],
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
// The frame comes from the reference image (get_gen_size), not from --size.
const pixelsOf = (plan: Plan) => { const f = generationFrame(plan.params.size, plan.params.imageSize); return f.width * f.height; };
const tfOf = (plan: Plan) => { const f = generationFrame(plan.params.size, plan.params.imageSize); return tokensPerFrameOf(f.width, f.height, profile); };
const kv = (plan: Plan) => kvCacheLayout(profile, plan.params.inferFrames, tfOf(plan), "single", plan.params.sampleSteps, plan.params.offloadKvCache);
const audioSecondsOf = (plan: Plan) => plan.params.audioSeconds ?? DEFAULT_AUDIO_SECONDS;
// Resident from the encode on, on one GPU: the audio embedding and the 365-frame motion context.
const keptAfterEncode = (plan: Plan) => audioEmbBytes(audioSecondsOf(plan), plan.params.inferFrames, profile) + videosLastFramesBytes(motionFrames(profile, "single"), pixelsOf(plan));

const cudaContextBytes = median(take(single).map((p) => p.reading.deviceUsed - p.reading.reserved));
const denoise = take((p) => single(p) && p.phase === "denoise" && !p.plan.params.offloadKvCache);
const allocatorSlackShare = median(denoise.map((p) => (p.reading.reserved - p.reading.allocated) / p.reading.allocated));
const activation = line(denoise.map((p) => 3 * tfOf(p.plan)), denoise.map((p) => p.reading.allocated - dit(p.plan) - kv(p.plan).gpuBytes - keptAfterEncode(p.plan)));

// The VAE's phases from probe 0.5.0 on only: it runs the VAE under autocast as upstream does (fp32 activations and
// caches beside bf16 convs); the earlier probes' VAE, all bf16, held less and would pull the fit under upstream's.
const autocastVae = (p: Point) => p.probeVersion.localeCompare("0.5.0", undefined, { numeric: true }) >= 0;
const decode = take((p) => single(p) && p.phase === "decode" && !p.plan.params.enableOnlineDecode && autocastVae(p));
const decodeRest = (p: Point) => {
  const px = pixelsOf(p.plan);
  const frames = singleDecodeOutputFrames(motionLatentFrames(motionFrames(profile, "single")), latentFramesPerClip(p.plan.params.inferFrames, profile));
  return p.reading.allocated - dit(p.plan) - (p.plan.params.offloadKvCache ? 0 : kv(p.plan).condBytes) - vaeWeightBytes(profile) - frames * 3 * px * 4 - keptAfterEncode(p.plan);
};
const vaeDecodeBytesPerPixel = decode.reduce((s, p) => s + decodeRest(p) * pixelsOf(p.plan), 0) / decode.reduce((s, p) => s + pixelsOf(p.plan) ** 2, 0);

// Encode with T5 on the CPU: the heavier of wav2vec2 over the whole audio and the VAE encode of the motion context.
// wav2vec2 decides at long audio (the -audio runs): bytes per audio second, through the origin.
const encodeT5Cpu = (p: Point) => single(p) && p.phase === "encode" && p.plan.params.t5Cpu;
const longAudio = take((p) => encodeT5Cpu(p) && audioSecondsOf(p.plan) >= 300);
// Read on the device bytes: wav2vec's hidden states free blocks the allocator cannot reuse (reserved − allocated grows
// with the audio: 1.6 GiB at 600 s, 6.4 GiB at 1 h), so the per-second term carries that, less the general slack share.
const wav2vecBytesPerAudioSecond = longAudio.length
  ? median(longAudio.map((p) => (p.reading.deviceUsed - cudaContextBytes - (1 + allocatorSlackShare) * (dit(p.plan) + vaeWeightBytes(profile) + audioEncoderBytes(profile, true))) / (1 + allocatorSlackShare) / audioSecondsOf(p.plan)))
  : FITTED.wav2vecBytesPerAudioSecond;
const media = take((p) => encodeT5Cpu(p) && audioSecondsOf(p.plan) < 300 && autocastVae(p));
const mediaLine = line(media.map((p) => pixelsOf(p.plan)), media.map((p) => p.reading.allocated - dit(p.plan) - vaeWeightBytes(profile) - keptAfterEncode(p.plan)));

const churn = take((p) => single(p) && p.phase === "denoise" && p.plan.params.offloadKvCache);
// Capped KV-offload runs sit at their cap in the denoise: without an uncapped one, the last fit stands.
const kvOffloadChurnShare = churn.length ? median(churn.map((p) => (p.reading.reserved - p.reading.allocated * (1 + allocatorSlackShare)) / kv(p.plan).bytesPerCache)) : FITTED.kvOffloadChurnShare;

const fsdp = take((p) => p.ranks > 1 && p.plan.parallel.ditFsdp);
const ncclBufferBytes = median(fsdp.map((p) => p.reading.deviceUsed - p.reading.reserved - cudaContextBytes));
const fsdpDenoise = fsdp.filter((p) => p.phase === "denoise");
// The slack FSDP's forwards leave is a number of gathered blocks, not a share of what else is allocated.
const fsdpSlackBlocks = fsdpDenoise.length ? median(fsdpDenoise.map((p) => (p.reading.reserved - p.reading.allocated) / blockWeightBytes(profile, p.plan.params.fp8))) : FITTED.fsdpSlackBlocks;
// TPP DiT ranks in NCCL (no FSDP): what lives outside the allocator once latents have passed, beyond the load phase's.
// The rank that both receives and sends holds the most; every DiT rank gets that (rank 0 only sends: less).
const tppDit = (p: Point) => p.ranks > 1 && p.plan.parallel.mode === "tpp" && !p.plan.parallel.ditFsdp && p.role === "dit" && p.inNccl;
const outside = (p: Point) => p.reading.deviceUsed - p.reading.reserved;
const p2p = take((p) => tppDit(p) && p.phase === "denoise").map((p) => {
  const load = points.find((q) => q.id === p.id && q.rank === p.rank && q.phase === "load");
  return load ? outside(p) - outside(load) : NaN;
}).filter(Number.isFinite);
const ncclP2pBytes = p2p.length ? Math.max(...p2p) : FITTED.ncclP2pBytes;
const flatten = fsdp.filter((p) => p.phase === "load" && p.plan.parallel.fsdpWrap === "block");
const fsdpFlattenFactor = flatten.length
  ? Math.max(...flatten.map((p) => (p.reading.allocated - dit(p.plan) / p.plan.hardware.count - vaeWeightBytes(profile)) / (profile.dit.extraParams * (p.plan.params.fp8 ? 1 : 2))))
  : FITTED.fsdpFlattenFactor;

// Host RAM (the probe's peak RSS of each rank of a completed run): the process runtime without host data, then what
// copying offloaded KV caches keeps beyond the caches themselves.
type HostPoint = { id: string; peak: number; kvHost: number };
const hostPoints: HostPoint[] = runs.flatMap((m) =>
  m.ranks.every((rank) => rank.fits === true)
    ? // Runs that kept many clips' frames (host.frames) are the frames term's (host-ram.ts HOST_FRAME_COPIES), not the runtime's.
      m.ranks.flatMap((rank) => (rank.host?.peakRssBytes && !rank.host.frames ? [{ id: m.id, peak: rank.host.peakRssBytes, kvHost: rank.host.kvCacheHostBytes ?? 0 }] : []))
    : [],
);
const noKv = hostPoints.filter((p) => p.kvHost === 0);
const hostRuntimeBytes = noKv.length ? median(noKv.map((p) => p.peak)) : FITTED.hostRuntimeBytes;
const withKv = hostPoints.filter((p) => p.kvHost > 0);
const kvOffloadHostStagingBytes = withKv.length ? median(withKv.map((p) => p.peak - p.kvHost - hostRuntimeBytes)) : FITTED.kvOffloadHostStagingBytes;
for (const p of hostPoints) used.add(p.id);

const round = (x: number, digits = 0) => Number(x.toFixed(digits));
const constants = {
  cudaContextBytes: round(cudaContextBytes),
  ncclBufferBytes: round(ncclBufferBytes),
  ncclP2pBytes: round(ncclP2pBytes),
  allocatorSlackShare: round(allocatorSlackShare, 4),
  fsdpSlackBlocks: round(fsdpSlackBlocks, 3),
  activationBaseBytes: round(activation.a),
  activationBytesPerToken: round(activation.b),
  vaeDecodeBytesPerPixel: round(vaeDecodeBytesPerPixel),
  mediaEncodeBaseBytes: round(mediaLine.a),
  mediaEncodeBytesPerPixel: round(mediaLine.b),
  wav2vecBytesPerAudioSecond: round(wav2vecBytesPerAudioSecond),
  kvOffloadChurnShare: round(kvOffloadChurnShare, 4),
  fsdpFlattenFactor: round(fsdpFlattenFactor, 3),
  hostRuntimeBytes: round(hostRuntimeBytes),
  kvOffloadHostStagingBytes: round(kvOffloadHostStagingBytes),
};
for (const [key, value] of Object.entries(constants)) {
  if (!Number.isFinite(value)) throw new Error(`fit: ${key} has no data to fit (${value}); keep the old value or add measurements`);
}
const fittedAt = new Date().toISOString().slice(0, 10);
writeFileSync(OUT, `${JSON.stringify({ command: "npm run fit", fittedAt, measurements: [...used].sort(), constants }, null, 2)}\n`);
console.log(`fit: ${used.size} of ${runs.length} runs used → ${OUT}`);
for (const [key, value] of Object.entries(constants)) console.log(`  ${key.padEnd(26)} ${String((FITTED as Record<string, number>)[key]).padStart(12)} → ${value}`);
console.log("Check it: npm run headroom -- calibration");
