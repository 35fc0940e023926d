"""CausalWanModel_S2V with LiveAvatar's tensor shapes and random weights.

Follows liveavatar/models/wan/causal_model_s2v.py @9c2c38d:
- CausalWanS2VAttentionBlock.forward: six fp32 modulation tensors expanded to every token, fp32 residual inside
  the block, bf16 between blocks; self-attn with q/k RMSNorm, float64 rope, the block's k,v written into the
  rolling window, attention over [window, roped cond cache]; cross-attn to 512 text tokens; GELU(tanh) FFN.
- the sink (prefill) forward writes the cond cache from the reference+motion tokens.
- after_transformer_block: audio injector (adaLN + cross-attn to 5 audio tokens per latent frame) after the 12
  audio layers.
Embeddings, time_projection, the causal audio encoder and the frame packer are one bf16 blob of the right size.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import (BF16, Factory, LayerNormAffine, ProbeLinear, RMSNorm, attention, layer_norm, make_freqs,
                     rope_apply, rope_freq_dtype)
from .mem import Mem
from .shapes import Dims

Cache = Dict[str, torch.Tensor]


class SelfAttention(nn.Module):
    def __init__(self, f: Factory, d: Dims, fp8_direct: bool):
        super().__init__()
        self.heads, self.head_dim = d.heads, d.head_dim
        self.q = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.k = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.v = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.o = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.norm_q = RMSNorm(f, d.dim)
        self.norm_k = RMSNorm(f, d.dim)

    def forward(self, x, freqs, cond_freqs, cache: Cache, pos: int, active: int, cond_end: int, sink: bool):
        b, s = x.shape[:2]
        n, hd = self.heads, self.head_dim
        q = self.norm_q(self.q(x)).view(b, s, n, hd)
        k = self.norm_k(self.k(x)).view(b, s, n, hd)
        v = self.v(x).view(b, s, n, hd)
        if not sink:  # streaming inference
            roped_q = rope_apply(q, freqs).type_as(v)
            roped_k = rope_apply(k, freqs).type_as(v)
            cache["k"][:, pos:pos + s] = roped_k
            cache["v"][:, pos:pos + s] = v
            del roped_k
            kk = torch.cat([cache["k"][:, :active], rope_apply(cache["cond_k"][:, :cond_end], cond_freqs).type_as(v)],
                           dim=1)
            vv = torch.cat([cache["v"][:, :active], cache["cond_v"][:, :cond_end]], dim=1)
            out = attention(roped_q, kk, vv)
            del kk, vv, roped_q
        else:  # prefill cond caching
            roped_q = rope_apply(q, cond_freqs).type_as(v)
            cache["cond_k"][:, :s] = k
            cache["cond_v"][:, :s] = v
            out = attention(roped_q, rope_apply(k, cond_freqs).type_as(v)[:, :s], cache["cond_v"][:, :s])
        return self.o(out.flatten(2))


class CrossAttention(nn.Module):
    def __init__(self, f: Factory, d: Dims, fp8_direct: bool, context_dim: Optional[int] = None):
        super().__init__()
        self.heads, self.head_dim = d.heads, d.head_dim
        cd = context_dim or d.dim
        self.q = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.k = ProbeLinear(f, cd, d.dim, direct_fp8=fp8_direct)
        self.v = ProbeLinear(f, cd, d.dim, direct_fp8=fp8_direct)
        self.o = ProbeLinear(f, d.dim, d.dim, direct_fp8=fp8_direct)
        self.norm_q = RMSNorm(f, d.dim)
        self.norm_k = RMSNorm(f, d.dim)

    def forward(self, x, context):
        b = x.shape[0]
        n, hd = self.heads, self.head_dim
        q = self.norm_q(self.q(x)).view(b, -1, n, hd)
        k = self.norm_k(self.k(context)).view(context.shape[0], -1, n, hd)
        v = self.v(context).view(context.shape[0], -1, n, hd)
        return self.o(attention(q, k, v).flatten(2))


class Block(nn.Module):
    def __init__(self, f: Factory, d: Dims, fp8_direct: bool):
        super().__init__()
        self.self_attn = SelfAttention(f, d, fp8_direct)
        self.cross_attn = CrossAttention(f, d, fp8_direct)
        self.norm3 = LayerNormAffine(f, d.dim)
        self.ffn0 = ProbeLinear(f, d.dim, d.ffn, direct_fp8=fp8_direct)
        self.ffn2 = ProbeLinear(f, d.ffn, d.dim, direct_fp8=fp8_direct)
        self.modulation = f.param((1, 6, d.dim))

    def forward(self, x, e0, context, freqs, cond_freqs, cache: Cache, pos: int, active: int, cond_end: int,
                frame_seqlen: int, sink: bool):
        modulation = self.modulation.unsqueeze(1).unsqueeze(3)  # [1,1,6,1,C]
        e = (modulation.float() + e0).chunk(6, dim=2)  # 6 x [B,F,1,2,C] fp32
        e = [el.squeeze(2) for el in e]
        seq = x.shape[1]
        es = []
        for el in e:
            noisy = el[:, :0, 0] if sink else el[:, :, 0].repeat_interleave(int(frame_seqlen), dim=1)
            cond = el[:, 0:1, 1].repeat(1, seq - noisy.shape[1], 1)
            es.append(torch.cat([noisy, cond], dim=1))
        del e
        norm_x = layer_norm(x).float()
        norm_x = norm_x * (1 + es[1]) + es[0]
        y = self.self_attn(norm_x.to(BF16), freqs, cond_freqs, cache, pos, active, cond_end, sink)
        del norm_x
        x = x + y * es[2]  # fp32 residual
        x = x + self.cross_attn(self.norm3(x.to(BF16)), context)
        norm2_x = layer_norm(x).float() * (1 + es[4]) + es[3]
        y = self.ffn2(F.gelu(self.ffn0(norm2_x.to(BF16)), approximate="tanh"))
        del norm2_x
        x = x + y * es[5]
        return x.to(BF16)

    def linears(self) -> List[ProbeLinear]:
        a, c = self.self_attn, self.cross_attn
        return [a.q, a.k, a.v, a.o, c.q, c.k, c.v, c.o, self.ffn0, self.ffn2]


class AudioInjector(nn.Module):
    """AudioInjector_WAN at one layer: AdaLayerNorm (Linear dim -> 2*dim on the global audio embedding) and a
    cross-attention from each latent frame's tokens to its audio tokens."""

    def __init__(self, f: Factory, d: Dims, fp8_direct: bool):
        super().__init__()
        self.adain = ProbeLinear(f, d.dim, 2 * d.dim, direct_fp8=fp8_direct)
        self.adain.lora_target = False  # PEFT targets q,k,v,o,ffn.0,ffn.2 only
        self.attn = CrossAttention(f, d, fp8_direct)

    def forward(self, hidden, audio_emb, audio_global, frames: int):
        seq = hidden.shape[1]
        h = hidden[:, :seq].clone()
        h = h.reshape(frames, seq // frames, h.shape[-1])  # b (t n) c -> (b t) n c
        emb = self.adain(F.silu(audio_global))  # [(b t), 2C]
        shift, scale = emb.chunk(2, dim=-1)
        h = layer_norm(h) * (1 + scale[:, None]) + shift[:, None]
        residual = self.attn(h, audio_emb).reshape(1, seq, -1)
        hidden[:, :seq] = hidden[:, :seq] + residual
        return hidden

    def linears(self) -> List[ProbeLinear]:
        a = self.attn
        return [a.q, a.k, a.v, a.o, self.adain]


class DiT(nn.Module):
    def __init__(self, f: Factory, d: Dims, fp8_direct: bool = False):
        super().__init__()
        self.d = d
        self.patch_weight = f.param((d.dim, 16, 1, 2, 2))
        self.patch_bias = f.param((d.dim,), init="zeros")
        self.blocks = nn.ModuleList([Block(f, d, fp8_direct) for _ in range(d.layers)])
        self.injectors = nn.ModuleList([AudioInjector(f, d, fp8_direct) for _ in d.audio_layers])
        self.injected = {layer: i for i, layer in enumerate(d.audio_layers)}
        # text/time embeddings, time_projection (5120 -> 30720), causal audio encoder, frame packer, cond encoder
        self.blob = f.param((d.blob_params,))
        self.head_modulation = f.param((1, 2, d.dim))
        self.head_weight = f.param((64, d.dim))
        self.head_bias = f.param((64,), init="zeros")

    def linears(self) -> List[ProbeLinear]:
        out: List[ProbeLinear] = []
        for b in self.blocks:
            out.extend(b.linears())
        for inj in self.injectors:
            out.extend(inj.linears())
        return out

    def forward(self, latents: torch.Tensor, caches: List[Cache], context: torch.Tensor, pos: int, active: int,
                cond_end: int, frame_seqlen: int, sink: bool = False) -> Optional[torch.Tensor]:
        d = self.d
        dev = latents.device
        frames = latents.shape[1]
        if sink:
            x = torch.randn(1, cond_end, d.dim, device=dev, dtype=BF16)
        else:
            x = F.conv3d(latents.unsqueeze(0).to(BF16), self.patch_weight, self.patch_bias, stride=(1, 2, 2))
            x = x.flatten(2).transpose(1, 2)  # [1, L, C]
        e0 = torch.randn(1, frames, 6, 2, d.dim, device=dev, dtype=torch.float32) * 0.02
        fdt = _FREQ_DTYPE.setdefault(str(dev), rope_freq_dtype(dev))
        freqs = make_freqs(x.shape[1], d.heads, d.head_dim, fdt, dev)
        cond_freqs = make_freqs(cond_end, d.heads, d.head_dim, fdt, dev)
        audio_emb = torch.randn(frames, d.audio_tokens_per_frame, d.dim, device=dev, dtype=BF16)
        audio_global = torch.randn(frames, d.dim, device=dev, dtype=BF16)
        for idx, block in enumerate(self.blocks):
            x = block(x, e0, context, freqs, cond_freqs, caches[idx], pos, active, cond_end, frame_seqlen, sink)
            if not sink and idx in self.injected:
                x = self.injectors[self.injected[idx]](x, audio_emb, audio_global, frames)
        if sink:
            return None
        hm = self.head_modulation.float()  # [1, 2, C]: shift, scale
        x = layer_norm(x).float() * (1 + hm[:, 1:2]) + hm[:, 0:1]
        x = F.linear(x.to(BF16), self.head_weight, self.head_bias)  # [1, L, 64]
        c, t, h, w = 16, frames, latents.shape[2], latents.shape[3]
        x = x.view(t, h // 2, w // 2, 1, 2, 2, c).permute(6, 0, 3, 1, 4, 2, 5).reshape(c, t, h, w)
        return x


_FREQ_DTYPE: Dict[str, torch.dtype] = {}


def build_dit(mem: Mem, d: Dims, *, fp8: bool, fp8_ok: bool, quantize_on_cpu: bool, load_lora: bool,
              emit=None) -> Tuple[DiT, Dict[str, object]]:
    """The load phase of one DiT on one GPU (no FSDP).

    Upstream (causal_s2v_pipeline.py + s2v_streaming_interact.py): from_pretrained(device_map=cuda) puts the bf16
    DiT on the GPU; add_lora_to_model adds fp32 PEFT adapters and merge_and_unload folds them in; then
    replace_linear_with_scaled_fp8 converts each nn.Linear to fp8 on the GPU, layer by layer.
    quantizeOnCpu (Headroom's loader patch): the fp8 weights are made before the GPU sees the model.
    """
    info: Dict[str, object] = {"fp8Requested": fp8, "fp8Applied": bool(fp8 and fp8_ok), "loraOnGpu": False,
                               "bf16OnGpuAtLoad": True}
    f = Factory(mem)
    direct = bool(fp8 and fp8_ok and quantize_on_cpu)
    model = DiT(f, d, fp8_direct=direct)
    if direct:
        info["bf16OnGpuAtLoad"] = False
        return model, info  # LoRA merged and quantized on the host: nothing else touches the GPU
    linears = model.linears()
    if load_lora:
        info["loraOnGpu"] = True
        for lin in linears:
            if getattr(lin, "lora_target", True):
                lin.add_lora(mem, d.lora_rank)
        mem.sample()
        for lin in linears:
            lin.merge_lora(scaling=1.0)
        mem.sample()
    if fp8 and fp8_ok:
        for lin in linears:
            lin.convert_fp8(mem)
    return model, info


def build_dit_fsdp(mem: Mem, d: Dims, wrap: str, device: torch.device, process_group=None):
    """LiveAvatar's shard_model (wan_2_2/distributed/fsdp.py): FULL_SHARD, bf16 mixed precision, sync_module_states,
    one unit per transformer block ("block") or one unit for the whole model ("model", the field report's picture).
    process_group None is upstream's (the default group: every rank); the probe passes its NCCL subgroup when ranks
    share GPUs (a rank sharing a GPU cannot join NCCL).
    The model is built on the meta device and each unit is materialized on the GPU before it is sharded, which is
    what FSDP does with a CPU-loaded model and device_id (one unit on the GPU at a time)."""
    from functools import partial

    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
    from torch.distributed.fsdp import MixedPrecision, ShardingStrategy
    from torch.distributed.fsdp.wrap import lambda_auto_wrap_policy

    from .layers import init_meta_module

    model = DiT(Factory(mem, meta=True), d, fp8_direct=False)
    blocks = set(model.blocks)
    policy = partial(lambda_auto_wrap_policy, lambda_fn=lambda m: m in blocks) if wrap == "block" else None
    sharded = FSDP(
        model,
        process_group=process_group,
        sharding_strategy=ShardingStrategy.FULL_SHARD,
        auto_wrap_policy=policy,
        mixed_precision=MixedPrecision(param_dtype=torch.bfloat16, reduce_dtype=torch.float32,
                                       buffer_dtype=torch.float32),
        device_id=device,
        sync_module_states=True,
        param_init_fn=lambda m: init_meta_module(m, device),
    )
    return sharded
