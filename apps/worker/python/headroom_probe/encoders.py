"""Text and audio encoders with the shapes LiveAvatar moves onto the GPU during the encode phase.

- umt5-xxl encoder (wan_2_2/modules/t5.py, models_t5_umt5-xxl-enc-bf16.pth): vocab 256384 x 4096, 24 layers,
  64 heads x 64, gated-GELU FFN 10240, per-layer relative position buckets; 5.68 G parameters in bf16. Wan's T5
  attention has no 1/sqrt(d) scale and softmaxes in float32.
- wav2vec2-large-xlsr-53 (AudioEncoder): 7-layer conv feature extractor (512 ch), feature projection to 1024,
  positional conv (k 128, 16 groups), 24 pre-LN transformer layers (1024, FFN 4096, 16 heads); 315 M parameters,
  moved to the GPU as bf16 and run over the whole audio, keeping every hidden state.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import BF16, Factory, attention
from .shapes import Dims


def _rms(x: torch.Tensor, w: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(w) * w


class T5Encoder(nn.Module):
    def __init__(self, f: Factory, d: Dims):
        super().__init__()
        self.d = d
        D, H, FF = d.t5_dim, d.t5_heads, d.t5_ffn
        self.embedding = f.param((d.t5_vocab, D), std=1.0)
        self.layers = nn.ModuleList()
        for _ in range(d.t5_layers):
            layer = nn.Module()
            layer.norm1 = f.param((D,), init="ones")
            layer.q = f.param((D, D))
            layer.k = f.param((D, D))
            layer.v = f.param((D, D))
            layer.o = f.param((D, D))
            layer.norm2 = f.param((D,), init="ones")
            layer.gate = f.param((FF, D))
            layer.fc1 = f.param((FF, D))
            layer.fc2 = f.param((D, FF))
            layer.rel = f.param((d.t5_buckets, H))
            self.layers.append(layer)
        self.norm = f.param((D,), init="ones")

    def param_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        d = self.d
        b, L = ids.shape
        H, hd = d.t5_heads, d.t5_dim // d.t5_heads
        x = F.embedding(ids, self.embedding)
        rel = torch.arange(L, device=ids.device)
        buckets = (rel[None, :] - rel[:, None]).clamp(-d.t5_buckets // 2, d.t5_buckets // 2 - 1) + d.t5_buckets // 2
        for layer in self.layers:
            pos = layer.rel[buckets].permute(2, 0, 1).unsqueeze(0)  # [1, H, L, L]
            h = _rms(x, layer.norm1)
            q = F.linear(h, layer.q).view(b, L, H, hd)
            k = F.linear(h, layer.k).view(b, L, H, hd)
            v = F.linear(h, layer.v).view(b, L, H, hd)
            attn = torch.einsum("binc,bjnc->bnij", q, k) + pos
            attn = F.softmax(attn.float(), dim=-1).type_as(attn)
            out = torch.einsum("bnij,bjnc->binc", attn, v).reshape(b, L, -1)
            x = x + F.linear(out, layer.o)
            h = _rms(x, layer.norm2)
            x = x + F.linear(F.gelu(F.linear(h, layer.gate), approximate="tanh") * F.linear(h, layer.fc1), layer.fc2)
        return _rms(x, self.norm)


class Wav2Vec2(nn.Module):
    KERNELS = (10, 3, 3, 3, 3, 2, 2)
    STRIDES = (5, 2, 2, 2, 2, 2, 2)

    def __init__(self, f: Factory, d: Dims):
        super().__init__()
        self.d = d
        C, D, FF = d.w2v_conv_dim, d.w2v_dim, d.w2v_ffn
        self.convs = nn.ParameterList()
        self.conv_norms = nn.ParameterList()
        in_ch = 1
        for k in self.KERNELS:
            self.convs.append(f.param((C, in_ch, k), std=(1.0 / (in_ch * k)) ** 0.5))
            self.conv_norms.append(f.param((C,), init="ones"))
            in_ch = C
        self.proj_norm = f.param((C,), init="ones")
        self.proj = f.param((D, C), std=(1.0 / C) ** 0.5)
        self.pos_conv = f.param((D, D // 16, d.w2v_pos_kernel), std=0.002)
        self.layers = nn.ModuleList()
        for _ in range(d.w2v_layers):
            layer = nn.Module()
            layer.ln1 = f.param((D,), init="ones")
            layer.qkv = f.param((3 * D, D))
            layer.qkv_b = f.param((3 * D,), init="zeros")
            layer.o = f.param((D, D))
            layer.o_b = f.param((D,), init="zeros")
            layer.ln2 = f.param((D,), init="ones")
            layer.fc1 = f.param((FF, D))
            layer.fc1_b = f.param((FF,), init="zeros")
            layer.fc2 = f.param((D, FF))
            layer.fc2_b = f.param((D,), init="zeros")
            self.layers.append(layer)
        self.final_ln = f.param((D,), init="ones")

    @torch.no_grad()
    def forward(self, audio: torch.Tensor):
        """audio [1, samples] -> list of hidden states [1, T, D] (output_hidden_states=True)."""
        d = self.d
        x = audio.to(BF16).unsqueeze(1)
        for w, g, k, s in zip(self.convs, self.conv_norms, self.KERNELS, self.STRIDES):
            x = F.conv1d(x, w, stride=s)
            x = F.gelu(F.layer_norm(x.transpose(1, 2), (x.shape[1],), g).transpose(1, 2))
        x = x.transpose(1, 2)  # [1, T, C]
        x = F.linear(F.layer_norm(x, (x.shape[-1],), self.proj_norm), self.proj)
        pos = F.conv1d(x.transpose(1, 2), self.pos_conv, padding=d.w2v_pos_kernel // 2, groups=16)
        x = x + F.gelu(pos[:, :, :-1]).transpose(1, 2)
        hidden = [x]
        b, T, D = x.shape
        H = d.w2v_heads
        for layer in self.layers:
            h = F.layer_norm(x, (D,), layer.ln1)
            q, k, v = F.linear(h, layer.qkv, layer.qkv_b).view(b, T, 3, H, D // H).unbind(2)
            x = x + F.linear(attention(q, k, v).reshape(b, T, D), layer.o, layer.o_b)
            h = F.layer_norm(x, (D,), layer.ln2)
            x = x + F.linear(F.gelu(F.linear(h, layer.fc1, layer.fc1_b)), layer.fc2, layer.fc2_b)
            hidden.append(x)
        hidden[-1] = F.layer_norm(x, (D,), self.final_ln)
        return hidden
