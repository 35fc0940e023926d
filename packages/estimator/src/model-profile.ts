import { arch, upstream, type Source } from "./sources.ts";

/** Shapes that decide memory and FLOPs; every number cites the config it was read from. */
export type ModelProfile = {
  id: string;
  name: string;
  inherits: string | null;
  dit: {
    dim: number;
    ffnDim: number;
    heads: number;
    headDim: number;
    layers: number;
    /** Parameters of one plain transformer block (self-attn, cross-attn, FFN, norms, modulation). */
    blockParams: number;
    /** Audio injector, causal audio encoder, frame packer, embeddings and head, outside the blocks. */
    extraParams: number;
    /** Share of all DiT parameters that sit in nn.Linear weights (what --fp8 converts). */
    linearShare: number;
    audioLayers: number;
    patch: readonly [number, number, number];
  };
  textEncoderParams: number;
  audioEncoderParams: number;
  vaeParams: number;
  loraRank: number;
  /** PEFT adapters on every q,k,v,o,ffn.0,ffn.2 (audio injectors included); merged away after load. */
  loraParams: number;
  vaeStride: readonly [number, number, number];
  latentChannels: number;
  motionFrames: number;
  /** One GPU repeats the 5-frame reference before the 73-fold motion repeat (causal_s2v_pipeline.py ~891–898). */
  refRepeatSingle: number;
  /** audio_emb rows: wav2vec2's 25 hidden states of 1024 (encode_audio). */
  audioEmbLayers: number;
  audioEmbDim: number;
  framesPerLatentBlock: number;
  sampleFps: number;
  textLength: number;
  kvCache: {
    /** cond_k/cond_v capacity per layer: 2,800 tokens on one GPU, 3,000 per TPP rank. */
    condTokensSingle: number;
    condTokensTpp: number;
    /** Reference image + frame-pack motion tokens: 2.5 latent frames' worth. */
    condLatentFrames: number;
  };
  sources: Record<string, Source>;
};

const CONFIG = "liveavatar/models/wan/wan_2_2/configs/wan_s2v_14B_modified.py";

/** Self- and cross-attn 4·(d²+d) each with q/k norms (2·d each), norm3 (2·d), FFN 2·d·f + f + d, modulation 6·d: 351,394,304. */
export const transformerBlockParams = (dim: number, ffnDim: number): number =>
  8 * (dim * dim + dim) + 4 * dim + 2 * dim + 2 * dim * ffnDim + ffnDim + dim + 6 * dim;

const WAN_S2V_14B: ModelProfile = {
  id: "wan2.2-s2v-14b",
  name: "Wan2.2-S2V-14B",
  inherits: null,
  dit: {
    dim: 5120,
    ffnDim: 13824,
    heads: 40,
    headDim: 128,
    layers: 40,
    blockParams: transformerBlockParams(5120, 13824),
    // Audio injectors (12 × cross-attn 104.9 M + adaLN 52.4 M), causal audio encoder 95.1 M, time projection
    // 157.3 M, text/time embeddings 74.7 M, frame packer 23.9 M, patch/cond/head ≈ 1 M: 16,295,755,609 in all.
    extraParams: 16_295_755_609 - 40 * 351_394_304,
    // fp8_linear.py converts 460 Linear layers: 15.94 G of the 16.30 G parameters.
    linearShare: 15.94e9 / 16_295_755_609,
    audioLayers: 12,
    patch: [1, 2, 2],
  },
  textEncoderParams: 5_680_910_336,
  audioEncoderParams: 315_470_000,
  vaeParams: 126_892_531,
  loraRank: 128,
  loraParams: 676e6,
  vaeStride: [4, 8, 8],
  latentChannels: 16,
  motionFrames: 73,
  refRepeatSingle: 5,
  audioEmbLayers: 25,
  audioEmbDim: 1024,
  framesPerLatentBlock: 3,
  sampleFps: 25,
  textLength: 512,
  kvCache: { condTokensSingle: 2800, condTokensTpp: 3000, condLatentFrames: 2.5 },
  sources: {
    dit: arch(CONFIG, "dim 5120, ffn 13824, 40 heads, 40 layers, audio at 12 layers"),
    textEncoder: arch("umt5-xxl encoder (models_t5_umt5-xxl-enc-bf16.pth)"),
    audioEncoder: arch("wav2vec2-large-xlsr-53"),
    vae: arch("Wan2.1 VAE, stride (4,8,8), 16 latent channels"),
    kvCache: upstream("causal_s2v_pipeline.py _initialize_kv_cache", "k,v [1, (infer_frames/4)·Tf, 40, 128] + cond_k,cond_v [1, 2800, 40, 128] per layer; one cache per step on one GPU"),
    clips: upstream("causal_s2v_pipeline.py", "(infer_frames + 3 + 73)//4 − 19 latent frames per clip, 3 per block"),
  },
};

const LIVEAVATAR_1_0: ModelProfile = {
  ...WAN_S2V_14B,
  id: "liveavatar-1.0",
  name: "LiveAvatar 1.0 (Wan2.2-S2V-14B + DMD LoRA)",
  inherits: WAN_S2V_14B.id,
};

export const MODEL_PROFILES: Record<string, ModelProfile> = {
  [WAN_S2V_14B.id]: WAN_S2V_14B,
  [LIVEAVATAR_1_0.id]: LIVEAVATAR_1_0,
};

export const getProfile = (id: string): ModelProfile => MODEL_PROFILES[id] ?? LIVEAVATAR_1_0;

export const ditParams = (profile: ModelProfile): number =>
  profile.dit.layers * profile.dit.blockParams + profile.dit.extraParams;
