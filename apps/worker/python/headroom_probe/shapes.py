"""Shapes of LiveAvatar (Wan2.2-S2V-14B + DMD LoRA) as the probe builds them, full scale or tiny.

Every number is read from Alibaba-Quark/LiveAvatar @9c2c38d:
- DiT: liveavatar/models/wan/wan_2_2/configs/wan_s2v_14B_modified.py (dim 5120, ffn 13824, 40 heads, 40 layers,
  audio injected after layers 0,4,8,12,16,20,24,27,30,33,36,39); 16,295,755,609 parameters in all.
- KV cache: liveavatar/models/wan/causal_s2v_pipeline.py `_initialize_kv_cache` (k,v [1, max_seq_len, 40, 128] per
  layer, cond_k/cond_v [1, 2800, 40, 128]; one cache per denoising step, "for gpu_id in range(4)"; cond shared
  between the four step caches unless --offload_kv_cache) and causal_s2v_pipeline_tpp.py (one cache, cond 3000).
- Latents: `lat_target_frames = (infer_frames + 3 + 73)//4 - 19`, `max_seq_len = lat_target_frames*(H/8)*(W/8)//4`,
  3 latent frames per autoregressive block.
- Frame: causal_s2v_pipeline.py `get_gen_size` / `get_size_less_than_area` (~349-410, ~587-599): the reference image is
  scaled so its area stays within `MAX_AREA_CONFIGS[size]` (wan_2_2/configs/__init__.py), each side padded to x64.
- Motion context: one GPU repeats the 5-frame reference to 5 x 73 = 365 frames (P1 ~891-898, 92 latents) and keeps it;
  causal_s2v_pipeline_tpp.py repeats one frame to 73 (19 latents).
- VAE: wan_2_2/modules/vae2_1.py (dim 96, z 16, dim_mult [1,2,4,4], 2 res blocks, stride (4,8,8)).

Nothing here allocates: kv_layout() is what the tests compare with the formulas.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Tuple

BF16 = 2
FP8 = 1
FP32 = 4

DIT_TOTAL_PARAMS = 16_295_755_609
MOTION_FRAMES = 73
LAT_MOTION_FRAMES = (MOTION_FRAMES + 3) // 4  # 19
FRAMES_PER_BLOCK = 3
COND_TOKENS_SINGLE = 2800
COND_TOKENS_TPP = 3000
STEP_CACHES_SINGLE = 4
REF_REPEAT_SINGLE = 5  # causal_s2v_pipeline.py: ref_pixel_values.repeat(1, 1, 5, 1, 1), then .repeat(1, 1, 73, 1, 1)
# audio_emb [1, 25, 1024, frames] bf16: wav2vec2's 25 hidden layers, resampled to one row per video frame
AUDIO_LAYERS = 25
AUDIO_DIM = 1024
SAMPLE_FPS = 25
# The scripts' example image (examples/*.png, 720x400): assumed where a plan names no image.
EXAMPLE_IMAGE = (720, 400)
# wan_2_2/configs/__init__.py MAX_AREA_CONFIGS: `--size` sets an area budget, not the frame.
MAX_AREA = {
    "720*1280": 720 * 1280, "1280*720": 1280 * 720, "480*832": 480 * 832, "832*480": 832 * 480,
    "704*1280": 704 * 1280, "1280*704": 1280 * 704, "1024*704": 1024 * 704, "704*1024": 704 * 1024,
    "720*400": 720 * 400, "704*384": 704 * 384, "688*368": 688 * 368, "384*256": 384 * 256,
}  # causal_s2v_pipeline.py: `for gpu_id in range(4): self._initialize_kv_cache(...)`


@dataclass(frozen=True)
class Dims:
    """Model widths. `full()` is the real model, `tiny()` runs on a CPU in seconds."""

    scale: str
    dim: int
    ffn: int
    heads: int
    head_dim: int
    layers: int
    audio_layers: Tuple[int, ...]
    text_len: int
    text_dim: int
    audio_tokens_per_frame: int
    # T5 (umt5-xxl encoder)
    t5_layers: int
    t5_dim: int
    t5_heads: int
    t5_ffn: int
    t5_vocab: int
    t5_buckets: int
    # wav2vec2-large-xlsr-53
    w2v_layers: int
    w2v_dim: int
    w2v_ffn: int
    w2v_heads: int
    w2v_conv_dim: int
    w2v_pos_kernel: int
    w2v_sample_rate: int
    # Wan2.1 VAE
    vae_dim: int
    z_dim: int
    # LoRA
    lora_rank: int
    # Lumped extras (embeddings, time_projection, audio encoder convs ...), parameters
    blob_params: int
    # Token counts that are hard-coded upstream
    cond_tokens_single: int
    cond_tokens_tpp: int
    # Tiny runs replace the plan's frame size by this one (W, H); None = the plan's size
    size_override: Optional[Tuple[int, int]] = None

    @property
    def patch_params(self) -> int:
        return 16 * self.dim * 4 + self.dim

    @property
    def head_params(self) -> int:
        return self.dim * 64 + 64 + 2 * self.dim


def block_params(dim: int, ffn: int) -> int:
    """One Wan attention block: self/cross q,k,v,o (+bias), 4 qk-norms, norm3 (w+b), FFN, modulation 6*dim."""
    return 8 * (dim * dim + dim) + 4 * dim + 2 * dim + 2 * dim * ffn + ffn + dim + 6 * dim


def injector_params(dim: int) -> int:
    """Audio injector at one layer: cross-attn q,k,v,o (+bias), its q/k RMSNorms, the adaLN Linear dim -> 2*dim."""
    return 4 * (dim * dim + dim) + 2 * dim + (dim * 2 * dim + 2 * dim)


def linear_params_per_block(dim: int, ffn: int) -> int:
    return 8 * dim * dim + 2 * dim * ffn


def full() -> Dims:
    dim, ffn = 5120, 13824
    audio_layers = (0, 4, 8, 12, 16, 20, 24, 27, 30, 33, 36, 39)
    explicit = 40 * block_params(dim, ffn) + len(audio_layers) * injector_params(dim)
    patch = 16 * dim * 4 + dim
    head = dim * 64 + 64 + 2 * dim
    return Dims(
        scale="full", dim=dim, ffn=ffn, heads=40, head_dim=128, layers=40, audio_layers=audio_layers,
        text_len=512, text_dim=4096, audio_tokens_per_frame=5,
        t5_layers=24, t5_dim=4096, t5_heads=64, t5_ffn=10240, t5_vocab=256384, t5_buckets=32,
        w2v_layers=24, w2v_dim=1024, w2v_ffn=4096, w2v_heads=16, w2v_conv_dim=512, w2v_pos_kernel=128,
        w2v_sample_rate=16000,
        vae_dim=96, z_dim=16, lora_rank=128,
        blob_params=DIT_TOTAL_PARAMS - explicit - patch - head,
        cond_tokens_single=COND_TOKENS_SINGLE, cond_tokens_tpp=COND_TOKENS_TPP,
    )


def tiny() -> Dims:
    return Dims(
        scale="tiny", dim=64, ffn=128, heads=4, head_dim=16, layers=2, audio_layers=(0,),
        text_len=16, text_dim=32, audio_tokens_per_frame=2,
        t5_layers=2, t5_dim=32, t5_heads=4, t5_ffn=64, t5_vocab=100, t5_buckets=8,
        w2v_layers=2, w2v_dim=32, w2v_ffn=64, w2v_heads=4, w2v_conv_dim=16, w2v_pos_kernel=8,
        w2v_sample_rate=1600,
        vae_dim=4, z_dim=16, lora_rank=4,
        blob_params=1000,
        cond_tokens_single=24, cond_tokens_tpp=26,
        size_override=(64, 32),
    )


def dims_for(scale: str) -> Dims:
    if scale == "full":
        return full()
    if scale == "tiny":
        return tiny()
    raise ValueError(f"unknown scale {scale!r}")


def parse_size(size: str) -> Tuple[int, int]:
    """`--size W*H` as LiveAvatar writes it."""
    w, h = size.split("*")
    return int(w), int(h)


def _pad64(n: int) -> int:
    return n + (64 - n % 64) % 64


def fit_area(width: int, height: int, area: int) -> Tuple[int, int]:
    """The frame (W, H) upstream generates from an image of width x height under an area budget.

    get_size_less_than_area: try 100 scales from the no-padding scale down to the one that leaves room for the
    most padding; the first whose x64-padded frame fits the budget wins. Fallback: the aspect's x64 frame.
    """
    if height * width <= area:
        lo, hi = 0.1, 1.0
    else:
        d = 63
        b = d * (height + width)
        a = height * width
        c = d ** 2 - area
        lo = (-b + math.sqrt(b ** 2 - 2 * a * c)) / (2 * a)
        hi = math.sqrt(area / (height * width))
    for i in range(100):
        scale = hi - (hi - lo) * i / 100
        h, w = _pad64(int(height * scale)), _pad64(int(width * scale))
        if h * w <= area:
            return w, h
    aspect = width / height
    tw = int((area * aspect) ** 0.5 // 64 * 64)
    th = int((area / aspect) ** 0.5 // 64 * 64)
    if tw >= width or th >= height:
        tw, th = int(width // 64 * 64), int(height // 64 * 64)
    return tw, th


def generation_frame(size: str, image_size: Optional[str] = None) -> Tuple[int, int]:
    """(W, H) of the frames a run generates: the image (the example image if none) under MAX_AREA[size]."""
    iw, ih = parse_size(image_size) if image_size else EXAMPLE_IMAGE
    sw, sh = parse_size(size)
    return fit_area(iw, ih, MAX_AREA.get(size, sw * sh))


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    lat_h: int
    lat_w: int
    tokens_per_frame: int  # Tf = (H/16)(W/16)
    infer_frames: int
    lat_target_frames: int
    blocks_per_clip: int
    block_tokens: int  # 3 * Tf
    window_tokens: int  # Lkv = max_seq_len
    cond_used_tokens: int  # ceil(2.5 Tf): reference + motion tokens the sink forward writes (capped by the cache)
    motion_frames: int  # pixel frames of the motion context: 365 on one GPU, 73 under TPP
    motion_latent_frames: int  # their latents: 92 on one GPU, 19 under TPP
    decode_latent_frames: int  # motion latents + lat_target (one GPU's offline decode)
    decode_output_frames: int
    image_size: Optional[str] = None  # the reference image the frame came from (None: the example image)


def motion_frames_for(mode: str) -> int:
    return REF_REPEAT_SINGLE * MOTION_FRAMES if mode == "single" else MOTION_FRAMES


def geometry(size: str, infer_frames: int, dims: Dims, image_size: Optional[str] = None, mode: str = "single") -> Geometry:
    w, h = dims.size_override if dims.size_override else generation_frame(size, image_size)
    lat_h, lat_w = h // 8, w // 8
    tf = (lat_h * lat_w) // 4
    lat_target = max(1, (infer_frames + 3 + MOTION_FRAMES) // 4 - LAT_MOTION_FRAMES)
    window = lat_target * tf  # np.prod([lat_target, H//8, W//8]) // 4
    blocks = max(1, lat_target // FRAMES_PER_BLOCK)
    motion = motion_frames_for(mode)
    motion_lat = 1 + (motion - 1) // 4
    dec_lat = motion_lat + lat_target
    cond_used = int(math.ceil(2.5 * tf))
    return Geometry(
        width=w, height=h, lat_h=lat_h, lat_w=lat_w, tokens_per_frame=tf, infer_frames=infer_frames,
        lat_target_frames=lat_target, blocks_per_clip=blocks, block_tokens=FRAMES_PER_BLOCK * tf,
        window_tokens=window, cond_used_tokens=cond_used, motion_frames=motion, motion_latent_frames=motion_lat,
        decode_latent_frames=dec_lat, decode_output_frames=1 + 4 * (dec_lat - 1), image_size=image_size,
    )


def audio_emb_frames(audio_seconds: float, infer_frames: int) -> int:
    """get_audio_embed_bucket_fps: one row per video frame, padded to whole clips of infer_frames."""
    frames = int(audio_seconds * SAMPLE_FPS)
    return (frames // infer_frames + 1) * infer_frames


def audio_emb_bytes(audio_seconds: float, infer_frames: int) -> int:
    return AUDIO_LAYERS * AUDIO_DIM * audio_emb_frames(audio_seconds, infer_frames) * BF16


def kv_bytes_per_token(dims: Dims) -> int:
    """k and v for every layer in bf16: 40 * 2 * 40 * 128 * 2 = 819,200 B at full scale."""
    return dims.layers * 2 * dims.heads * dims.head_dim * BF16


@dataclass(frozen=True)
class KvLayout:
    mode: str
    caches: int
    window_tokens: int
    cond_tokens: int
    cond_shared: bool
    on_device: bool
    bytes_per_token: int
    window_bytes_per_cache: int
    cond_bytes_per_cache: int
    bytes_per_cache: int
    device_bytes: int  # resident on the GPU while denoising (offload: the one cache copied in)
    host_bytes: int
    total_bytes: int


def kv_layout(size: str, infer_frames: int, mode: str, offload_kv_cache: bool, dims: Optional[Dims] = None,
              image_size: Optional[str] = None) -> KvLayout:
    """The cache the pipeline allocates, computed without allocating.

    Single GPU: four step caches. On the GPU they share one cond cache (`shared_cond_cache`); with
    --offload_kv_cache each has its own cond cache on the host and `_move_kv_cache_to_working_gpu` copies the
    running step's whole cache (window + cond, all layers) to the GPU. TPP DiT rank: one cache with cond 3000.
    """
    dims = dims or full()
    geo = geometry(size, infer_frames, dims, image_size, mode)
    per_token = kv_bytes_per_token(dims)
    if mode == "single":
        caches = STEP_CACHES_SINGLE
        cond = dims.cond_tokens_single
        shared = not offload_kv_cache
        window_b = geo.window_tokens * per_token
        cond_b = cond * per_token
        per_cache = window_b + cond_b
        total = caches * window_b + (cond_b if shared else caches * cond_b)
        device = per_cache if offload_kv_cache else total
        host = total if offload_kv_cache else 0
        return KvLayout(mode, caches, geo.window_tokens, cond, shared, not offload_kv_cache, per_token,
                        window_b, cond_b, per_cache, device, host, total)
    cond = dims.cond_tokens_tpp
    window_b = geo.window_tokens * per_token
    cond_b = cond * per_token
    per_cache = window_b + cond_b
    return KvLayout(mode, 1, geo.window_tokens, cond, False, True, per_token, window_b, cond_b, per_cache,
                    per_cache, 0, per_cache)


def dit_param_counts(dims: Dims) -> Dict[str, int]:
    blocks = dims.layers * block_params(dims.dim, dims.ffn)
    inj = len(dims.audio_layers) * injector_params(dims.dim)
    linear = dims.layers * linear_params_per_block(dims.dim, dims.ffn) + len(dims.audio_layers) * (
        4 * dims.dim * dims.dim + 2 * dims.dim * dims.dim)
    total = blocks + inj + dims.blob_params + dims.patch_params + dims.head_params
    return {"blocks": blocks, "injectors": inj, "blob": dims.blob_params, "linear": linear, "total": total}


def dit_weight_bytes(dims: Dims, fp8: bool) -> int:
    c = dit_param_counts(dims)
    if not fp8:
        return c["total"] * BF16
    return c["linear"] * FP8 + (c["total"] - c["linear"]) * BF16


def lora_params(dims: Dims) -> int:
    """PEFT rank-r adapters on every module named q,k,v,o,ffn.0,ffn.2 (blocks and audio injectors)."""
    r, d, f = dims.lora_rank, dims.dim, dims.ffn
    per_block = 8 * (r * d + d * r) + 2 * (r * d + f * r)
    return dims.layers * per_block + len(dims.audio_layers) * 4 * (r * d + d * r)
