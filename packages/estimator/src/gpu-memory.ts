import { ditActivationBytes, textEncoderActivationBytes } from "./activations.ts";
import type { EstimateContext } from "./estimate-context.ts";
import type { GpuRole, Phase, PhaseMemory, Term } from "./estimate-types.ts";
import { PHASES } from "./estimate-types.ts";
import { FITTED, FITTED_SOURCE } from "./fitted.ts";
import { allocatorSlackBytes, CUDA_CONTEXT_BYTES, NCCL_BUFFER_BYTES, NCCL_P2P_BYTES, RUNTIME_SOURCE, UPSTREAM_KERNELS_BYTES, UPSTREAM_KERNELS_SOURCE, UPSTREAM_KERNELS_TERM_ID } from "./runtime.ts";
import { assumption, fieldReport, measured, upstream } from "./sources.ts";
import { bytesTerm, sumBytes } from "./term.ts";
import { decodedFramesBytes, mediaEncodeBytes, singleDecodeOutputFrames, TPP_DECODE_OUTPUT_FRAMES, vaeDecodeBytes, wav2vecActivationBytes } from "./vae-decode.ts";
import { clipCount } from "./clip-count.ts";
import { audioEmbBytes } from "./audio-embedding.ts";
import { videosLastFramesBytes } from "./motion-context.ts";
import { audioEncoderBytes, blockWeightBytes, ditWeightBytes, loraAdapterBytes, textEncoderBytes, vaeWeightBytes, WEIGHT_SOURCES } from "./weights.ts";

const P1 = "causal_s2v_pipeline.py";
const P5 = "causal_s2v_pipeline_tpp.py";
const FSDP = upstream("wan_2_2/distributed/fsdp.py", "FULL_SHARD, one unit per transformer block");

const SRC_FR12 = fieldReport("FR-12");
const SRC_FR4_FR13 = fieldReport("FR-4, FR-13");
const SRC_T5_ACTIVATIONS = assumption("activations.ts");
const SRC_DECODE_MEASURED = measured("data/measurements/h100-704x384-default.json: decode keeps the DiT and the shared cond cache");
const SRC_KV_MOVE = upstream(`${P1} _move_kv_cache_to_working_gpu`);
const SRC_KV_SINGLE = upstream(`${P1} _initialize_kv_cache`);
const SRC_KV_TPP = upstream(`${P5} _initialize_kv_cache`);
const SRC_WAV2VEC = upstream(`${P1}: wav2vec moved to the GPU for extraction, then back`);
const SRC_VIDEOS_LAST = upstream(`${P1} ~891–898 / ${P5}`, "videos_last_frames: the motion context's pixels (bf16), kept from the encode to the end");
const SRC_PREVIOUS_FRAMES = upstream(
  `${P1} ~1106–1187`,
  "`image = image[:, :, -infer_frames:]` is a view of the whole fp32 decode; the name is reassigned only when the next decode returns, so the last decoded clip stays on the GPU (through the rollout after an online decode)",
);
const SRC_AUDIO_EMB = upstream(`${P1} encode_audio`, "audio_emb [1, 25, 1024, frames] bf16 on the GPU for the whole run");

const isSharded = (ctx: EstimateContext): boolean => ctx.plan.parallel.ditFsdp && (ctx.fsdpRanks > 1 || ctx.plan.parallel.fsdpCpuOffload);

/** The DiT bytes that stay on a GPU between forwards: the whole model, an FSDP shard, or nothing (FR-12 CPU offload). */
const ditResident = (ctx: EstimateContext): Term => {
  const { plan, profile, fsdpRanks } = ctx;
  const whole = ditWeightBytes(profile, plan.params.fp8);
  const inputs = { fp8: plan.params.fp8, ditFsdp: plan.parallel.ditFsdp, fsdpRanks, wholeBytes: whole };
  if (isSharded(ctx) && plan.parallel.fsdpCpuOffload) return bytesTerm("dit-weights", "DiT weights (FSDP CPU offload: on the host)", 0, "resident", inputs, SRC_FR12);
  if (isSharded(ctx)) return bytesTerm("dit-weights", `DiT weight shard (1/${fsdpRanks})`, whole / fsdpRanks, "resident", inputs, FSDP);
  return bytesTerm("dit-weights", plan.params.fp8 ? "DiT weights (fp8 linears)" : "DiT weights (bf16)", whole, "resident", inputs, WEIGHT_SOURCES.dit);
};

/** Per-block wrapping leaves the audio injectors and embeddings (2.24 G params) in FSDP's root unit: unsharded for the first forward, then kept. */
const fsdpRootUnit = (ctx: EstimateContext): Term | null => {
  const { plan, profile } = ctx;
  if (!isSharded(ctx) || plan.parallel.fsdpWrap !== "block") return null;
  return bytesTerm("fsdp-root-unit", "FSDP root unit, unsharded (audio injectors, embeddings)", profile.dit.extraParams * (plan.params.fp8 ? 1 : 2), "resident", { extraParams: profile.dit.extraParams }, FITTED_SOURCE);
};

/** While FSDP flattens and shards a unit at load it briefly holds a multiple of that unit (fitted to the 2-rank runs). */
export const FSDP_FLATTEN_FACTOR = FITTED.fsdpFlattenFactor;
const fsdpLoadFlatten = (ctx: EstimateContext): Term => {
  const { plan, profile } = ctx;
  const bytesPer = plan.params.fp8 ? 1 : 2;
  const largestUnit = plan.parallel.fsdpWrap === "block" ? Math.max(profile.dit.extraParams, profile.dit.blockParams) * bytesPer : ditWeightBytes(profile, plan.params.fp8);
  return bytesTerm("fsdp-flatten", "FSDP flattening the largest unit at load", FSDP_FLATTEN_FACTOR * largestUnit, "transient", { largestUnitBytes: largestUnit, factor: FSDP_FLATTEN_FACTOR }, FITTED_SOURCE);
};

/** Load: from_pretrained puts the bf16 DiT on the GPU, PEFT adds fp32 adapters, then fp8 conversion runs there. */
const ditLoadWeights = (ctx: EstimateContext): Term => {
  const { plan, profile } = ctx;
  if (isSharded(ctx) || plan.params.quantizeOnCpu || !plan.params.fp8) return ditResident(ctx);
  return bytesTerm("dit-weights-bf16", "DiT weights in bf16 before fp8 conversion", ditWeightBytes(profile, false), "transient", { fp8: true, quantizeOnCpu: false }, WEIGHT_SOURCES.ditLoad);
};

/** Beside the DiT at load: FSDP flattening a unit, or the LoRA adapters until they are merged. */
const ditLoadExtra = (ctx: EstimateContext): Term | null => {
  const { plan, profile } = ctx;
  if (isSharded(ctx)) return fsdpLoadFlatten(ctx);
  if (plan.params.quantizeOnCpu || !plan.params.loadLora) return null;
  return bytesTerm("lora-adapters", "LoRA adapters while merging (fp32)", loraAdapterBytes(profile), "transient", { loraParams: profile.loraParams }, WEIGHT_SOURCES.lora);
};

/** What FSDP unshards for a forward: one block under LiveAvatar's wrapping, the whole model in FR-4/FR-13's picture. */
const ditGather = (ctx: EstimateContext): Term | null => {
  const { plan, profile } = ctx;
  if (!isSharded(ctx)) return null;
  const perBlock = plan.parallel.fsdpWrap === "block";
  const bytes = perBlock ? blockWeightBytes(profile, plan.params.fp8) : ditWeightBytes(profile, plan.params.fp8);
  const inputs = { fsdpWrap: plan.parallel.fsdpWrap, fp8: plan.params.fp8 };
  return perBlock
    ? bytesTerm("fsdp-gather", "FSDP unshard of one block", bytes, "transient", inputs, FSDP)
    : bytesTerm("fsdp-gather", "FSDP unshard of the whole model (FR-4 picture)", bytes, "transient", inputs, SRC_FR4_FR13);
};

/** On one GPU every step keeps its own window and all share one cond cache; offloaded, only the running step's cache (with its own cond) is on the GPU. */
const kvCache = (ctx: EstimateContext): Term => {
  const { plan, kv: layout } = ctx;
  const mode = plan.parallel.mode;
  const offloaded = mode === "single" && plan.params.offloadKvCache;
  const inputs = { caches: layout.caches, windowTokens: layout.windowTokens, condTokens: layout.condTokens, offloadKvCache: offloaded };
  return offloaded
    ? bytesTerm("kv-cache", "KV cache of the running step (others on the host)", layout.gpuBytes, "resident", inputs, SRC_KV_MOVE)
    : bytesTerm("kv-cache", layout.caches > 1 ? `KV caches (${layout.caches} windows, one shared cond cache)` : "KV cache", layout.gpuBytes, "resident", inputs, mode === "single" ? SRC_KV_SINGLE : SRC_KV_TPP);
};

/** Copying a step's cache in and out every forward fragments the allocator: reserved − allocated grows by a share of one step cache. */
export const KV_OFFLOAD_CHURN_SHARE = FITTED.kvOffloadChurnShare;
const kvOffloadChurn = (ctx: EstimateContext): Term | null =>
  ctx.plan.parallel.mode === "single" && ctx.plan.params.offloadKvCache
    ? bytesTerm("kv-offload-churn", "allocator churn from KV copies", KV_OFFLOAD_CHURN_SHARE * ctx.kv.bytesPerCache, "transient", { bytesPerCache: ctx.kv.bytesPerCache, share: KV_OFFLOAD_CHURN_SHARE }, FITTED_SOURCE)
    : null;

/** The shared cond cache outlives the step caches: it is still on the GPU at the final decode. */
const condCache = (ctx: EstimateContext): Term | null =>
  ctx.plan.parallel.mode === "single" && !ctx.plan.params.offloadKvCache
    ? bytesTerm("cond-cache", "shared cond cache (kept through decode)", ctx.kv.condBytes, "resident", { condTokens: ctx.kv.condTokens }, SRC_DECODE_MEASURED)
    : null;

/** VAE encode of the reference and the motion context (365 frames on one GPU, 73 under TPP). */
const mediaEncode = (ctx: EstimateContext): Term =>
  bytesTerm("media-encode", `VAE encode of the ${ctx.motionFrames}-frame motion context`, mediaEncodeBytes(ctx.pixels), "transient", { pixels: ctx.pixels, motionFrames: ctx.motionFrames }, FITTED_SOURCE);

/** wav2vec2 runs over the whole audio in one pass: its hidden states grow with the audio's length. */
const wav2vecActivations = (ctx: EstimateContext): Term =>
  bytesTerm("wav2vec-activations", `wav2vec2 over ${Math.round(ctx.audioSeconds)} s of audio (one pass)`, wav2vecActivationBytes(ctx.audioSeconds), "transient", { audioSeconds: ctx.audioSeconds }, FITTED_SOURCE);

const audioEmb = (ctx: EstimateContext): Term =>
  bytesTerm("audio-emb", `audio embedding (${Math.round(ctx.audioSeconds)} s, kept all run)`, audioEmbBytes(ctx.audioSeconds, ctx.plan.params.inferFrames, ctx.profile), "resident", { audioSeconds: ctx.audioSeconds, inferFrames: ctx.plan.params.inferFrames }, SRC_AUDIO_EMB);

const videosLastFrames = (ctx: EstimateContext): Term =>
  bytesTerm("videos-last-frames", `motion context pixels (${ctx.motionFrames} frames, bf16)`, videosLastFramesBytes(ctx.motionFrames, ctx.pixels), "resident", { motionFrames: ctx.motionFrames, pixels: ctx.pixels }, SRC_VIDEOS_LAST);

/** One GPU with 2 or more clips: the previous decode's frames are on the GPU beside the next decode (and, after clip 0's
 *  online decode, beside the rest of the rollout). Unknown clip counts ("the whole audio") are taken as many. */
const previousFrames = (ctx: EstimateContext): Term | null => {
  const clips = clipCount(ctx.plan).clips;
  if (ctx.plan.parallel.mode !== "single" || (clips !== null && clips < 2)) return null;
  const outputFrames = decodeOutputFrames(ctx);
  return bytesTerm("previous-frames", `previous clip's decoded frames (${outputFrames}, fp32)`, decodedFramesBytes(ctx.pixels, outputFrames), "resident", { outputFrames, pixels: ctx.pixels, clips: clips ?? "whole audio" }, SRC_PREVIOUS_FRAMES);
};

const activations = (ctx: EstimateContext): Term =>
  bytesTerm("dit-activations", "DiT activations (one block forward)", ditActivationBytes(ctx.tokens, ctx.profile), "transient", { tokens: ctx.tokens, frame: `${ctx.frame.width}×${ctx.frame.height}` }, FITTED_SOURCE);

const textEncoder = (ctx: EstimateContext): Term | null => {
  if (ctx.plan.params.t5Cpu) return null;
  const shard = ctx.plan.parallel.t5Fsdp && ctx.isMultiProcess ? ctx.plan.hardware.count : 1;
  return bytesTerm("t5-weights", shard > 1 ? `T5 shard (1/${shard})` : "T5 text encoder", textEncoderBytes(ctx.profile) / shard, "resident", { t5Fsdp: ctx.plan.parallel.t5Fsdp }, WEIGHT_SOURCES.encoders);
};

const t5Forward = (ctx: EstimateContext): Term | null =>
  ctx.plan.params.t5Cpu ? null : bytesTerm("t5-activations", "T5 forward (512 tokens)", textEncoderActivationBytes(ctx.profile), "transient", {}, SRC_T5_ACTIVATIONS);

const audioEncoder = (ctx: EstimateContext): Term =>
  bytesTerm("audio-encoder", "wav2vec2 (bf16, feature extraction)", audioEncoderBytes(ctx.profile, true), "transient", {}, SRC_WAV2VEC);

const vaeWeights = (ctx: EstimateContext): Term => bytesTerm("vae-weights", "VAE weights", vaeWeightBytes(ctx.profile), "resident", {}, WEIGHT_SOURCES.encoders);

const vaeDecode = (ctx: EstimateContext, outputFrames: number): Term =>
  bytesTerm("vae-decode", "VAE decode", vaeDecodeBytes(ctx.pixels, outputFrames), "transient", { pixels: ctx.pixels, outputFrames }, FITTED_SOURCE);

/** One GPU decodes its 92 motion latents with each clip's, online (clip 0) or offline alike (P1 ~1105, ~1157);
 *  the TPP VAE rank stream-decodes a block at a time. */
const decodeOutputFrames = (ctx: EstimateContext): number =>
  ctx.plan.parallel.mode === "tpp" ? TPP_DECODE_OUTPUT_FRAMES : singleDecodeOutputFrames(ctx.motionLatents, ctx.latentFrames);

const runtimeTerms = (ctx: EstimateContext): Term[] => {
  const cuda = bytesTerm("cuda-context", "CUDA context", CUDA_CONTEXT_BYTES, "resident", {}, RUNTIME_SOURCE);
  const kernels = bytesTerm(UPSTREAM_KERNELS_TERM_ID, "cuDNN attention and compiled kernels (outside the allocator)", UPSTREAM_KERNELS_BYTES, "resident", {}, UPSTREAM_KERNELS_SOURCE);
  return ctx.isMultiProcess ? [cuda, kernels, bytesTerm("nccl", "NCCL buffers", NCCL_BUFFER_BYTES, "resident", { world: ctx.plan.hardware.count }, RUNTIME_SOURCE)] : [cuda, kernels];
};

/** TPP passes each block's latents rank to rank (dist.send/recv): NCCL opens point-to-point channels, resident from the
 *  first hand-off. Left out under --dit_fsdp, whose probe emulation runs every step on every rank and passes nothing. */
const ncclP2p = (ctx: EstimateContext): Term | null =>
  ctx.plan.parallel.mode === "tpp" && !ctx.plan.parallel.ditFsdp && ctx.isMultiProcess && (ctx.ditRanks > 1 || ctx.plan.parallel.enableVaeParallel)
    ? bytesTerm("nccl-p2p", "NCCL point-to-point channels (latents rank to rank)", NCCL_P2P_BYTES, "resident", { ditRanks: ctx.ditRanks }, RUNTIME_SOURCE)
    : null;

/** Every term any phase may hold, built once per estimate and shared by the phases that hold it. */
export type TermSet = ReturnType<typeof buildTermSet>;

export const buildTermSet = (ctx: EstimateContext) => ({
  dit: ditResident(ctx),
  root: fsdpRootUnit(ctx),
  loadWeights: ditLoadWeights(ctx),
  loadExtra: ditLoadExtra(ctx),
  gather: ditGather(ctx),
  kv: kvCache(ctx),
  churn: kvOffloadChurn(ctx),
  cond: condCache(ctx),
  activations: activations(ctx),
  t5: textEncoder(ctx),
  t5Forward: t5Forward(ctx),
  audio: audioEncoder(ctx),
  wav2vec: wav2vecActivations(ctx),
  audioEmb: audioEmb(ctx),
  videosLast: videosLastFrames(ctx),
  media: mediaEncode(ctx),
  vae: vaeWeights(ctx),
  decode: vaeDecode(ctx, decodeOutputFrames(ctx)),
  previousFrames: previousFrames(ctx),
  runtime: runtimeTerms(ctx),
  p2p: ncclP2p(ctx),
});

/** A phase's terms as its formula lists them: null where the plan leaves one out. */
type Listed = (Term | null)[];

/** causal_s2v_pipeline(_tpp).py generate(): wav2vec over the whole audio, then the VAE encode of the motion context,
 *  then encode_prompt moves T5 to the GPU; audio_emb and videos_last_frames stay from their step on. T5 is never
 *  beside wav2vec (measured: tpp5-rtx4090-704x384-c100-uncapped). The heaviest step is the phase's peak. */
const encodeTerms = (t: TermSet): Listed =>
  heaviest([t.dit, t.vae, t.audio, t.wav2vec], [t.dit, t.vae, t.audioEmb, t.videosLast, t.media], [t.dit, t.vae, t.audioEmb, t.videosLast, t.t5, t.t5Forward]);
const heaviest = (...steps: Listed[]): Listed => steps.reduce((a, b) => (sumBytes(b) > sumBytes(a) ? b : a));

/** One GPU (causal_s2v_pipeline.py): VAE, T5 and wav2vec leave the GPU before the rollout; step caches are freed before the final decode. */
const singleTerms = (ctx: EstimateContext, t: TermSet, phase: Phase): Listed => {
  const { params } = ctx.plan;
  switch (phase) {
    case "load": return [t.loadWeights, t.loadExtra, t.vae];
    case "encode": return encodeTerms(t);
    case "denoise": return [t.dit, t.root, t.kv, t.churn, t.gather, t.activations, t.audioEmb, t.videosLast, params.enableOnlineDecode ? t.previousFrames : null];
    case "decode": {
      // The final decode (every clip after an online one): step caches freed, the DiT and the cond cache kept, and from
      // the second decode on the one before it still on the GPU.
      const final = [t.dit, t.root, t.cond, t.vae, t.decode, t.previousFrames, t.audioEmb, t.videosLast];
      if (!params.enableOnlineDecode) return final;
      // Online decode runs clip 0's decode inside the rollout, KV caches kept; offload_model swaps the DiT out for it.
      const online = [params.offloadModel ? null : t.dit, t.kv, t.vae, t.decode, t.audioEmb, t.videosLast];
      return t.previousFrames ? heaviest(online, final) : online;
    }
  }
};

/** TPP (causal_s2v_pipeline_tpp.py): every rank builds the whole pipeline; offload_model False keeps T5 on every GPU. */
const tppTerms = (ctx: EstimateContext, t: TermSet, role: "dit" | "vae", phase: Phase): Listed => {
  const { params } = ctx.plan;
  const t5Stays = params.offloadModel ? null : t.t5;
  switch (phase) {
    case "load": return [t.loadWeights, t.loadExtra, t.vae];
    case "encode": return encodeTerms(t);
    case "denoise": return role === "dit" ? [t.dit, t.root, t5Stays, t.vae, t.kv, t.gather, t.activations, t.p2p, t.audioEmb, t.videosLast] : [t.dit, t.root, t5Stays, t.vae, t.audioEmb, t.videosLast];
    // The VAE rank receives every block's latents in its decode; the DiT ranks keep their channels.
    case "decode": return role === "vae" ? [params.offloadModel ? null : t.dit, t.root, t5Stays, t.vae, t.decode, t.p2p, t.audioEmb, t.videosLast] : [t.dit, t.root, t5Stays, t.vae, t.p2p, t.audioEmb, t.videosLast];
  }
};

/** Under TPP every rank loads and encodes the same way, so the VAE rank takes those two phases from the DiT ranks. */
const ROLE_INDEPENDENT: ReadonlySet<Phase> = new Set(["load", "encode"]);

export const phaseMemory = (ctx: EstimateContext, t: TermSet, role: GpuRole, ditPhases?: readonly PhaseMemory[]): PhaseMemory[] => {
  const phases: PhaseMemory[] = [];
  for (let i = 0; i < PHASES.length; i++) {
    const phase = PHASES[i]!;
    phases.push(ditPhases !== undefined && ROLE_INDEPENDENT.has(phase) ? ditPhases[i]! : onePhase(ctx, t, role, phase));
  }
  return phases;
};

const onePhase = (ctx: EstimateContext, t: TermSet, role: GpuRole, phase: Phase): PhaseMemory => {
  const listed = role === "idle" ? [] : role === "single" ? singleTerms(ctx, t, phase) : tppTerms(ctx, t, role, phase);
  const terms: Term[] = [];
  let allocated = 0;
  for (const term of listed) {
    if (term === null) continue;
    terms.push(term);
    allocated += term.value;
  }
  if (terms.length === 0) return { phase, residentBytes: 0, transientBytes: 0, totalBytes: 0, terms };
  // FSDP's flat-parameter churn fragments the allocator during forwards only (the VAE rank runs none).
  const isFsdp = ctx.plan.parallel.ditFsdp && ctx.isMultiProcess && phase === "denoise" && role !== "vae";
  const fsdpBlockBytes = isFsdp ? blockWeightBytes(ctx.profile, ctx.plan.params.fp8) : null;
  for (const term of t.runtime) terms.push(term);
  terms.push(bytesTerm("allocator-slack", "allocator slack", allocatorSlackBytes(allocated, fsdpBlockBytes), "transient", { allocatedBytes: allocated, isFsdp, fsdpBlockBytes: fsdpBlockBytes ?? 0 }, RUNTIME_SOURCE));
  let residentBytes = 0;
  let transientBytes = 0;
  for (const term of terms) {
    if (term.kind === "resident") residentBytes += term.value;
    else transientBytes += term.value;
  }
  return { phase, residentBytes, transientBytes, totalBytes: residentBytes + transientBytes, terms };
};
