"""Wan2.1 VAE (wan_2_2/modules/vae2_1.py @ LiveAvatar 9c2c38d), random weights, same module structure.

Causal 3D convolutions keep the last CACHE_T=2 input frames per conv (feat_cache); encode() runs the first frame
then 4 frames at a time; decode() runs one latent frame at a time (1 output frame, then 4 per latent frame) and
concatenates, then Wan2_1_VAE.decode returns .float().clamp_(-1, 1) and the pipeline torch.stack()s it.

Wan2_1_VAE.encode/decode (and vae_streaming.py's) run the model under amp.autocast(dtype=bf16), and so does this
one: there F.normalize (RMS_norm) computes in fp32, so the activations after each norm and SiLU, and the conv caches
taken from them, are fp32 while the convs' outputs are bf16. Up to probe 0.4.0 the VAE ran without autocast, all
bf16, and decoded in less memory than upstream's (data/measurements/upstream-704x384-eager-c2.json).
"""
from __future__ import annotations

from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import BF16, HAS_SDPA, Factory

CACHE_T = 2


def _autocast(x: torch.Tensor):
    """amp.autocast(dtype=self.dtype) of Wan2_1_VAE, on the tensor's own device type."""
    return torch.autocast(device_type=x.device.type, dtype=BF16)


def _std(fan_in: int) -> float:
    return (1.0 / max(1, fan_in)) ** 0.5


class CausalConv3d(nn.Module):
    def __init__(self, f: Factory, cin: int, cout: int, k, stride=1, padding=0):
        super().__init__()
        k = (k, k, k) if isinstance(k, int) else tuple(k)
        p = (padding, padding, padding) if isinstance(padding, int) else tuple(padding)
        self.stride = (stride, stride, stride) if isinstance(stride, int) else tuple(stride)
        self._padding = (p[2], p[2], p[1], p[1], 2 * p[0], 0)
        self.weight = f.param((cout, cin, *k), std=_std(cin * k[0] * k[1] * k[2]))
        self.bias = f.param((cout,), init="zeros")

    def forward(self, x, cache_x=None):
        padding = list(self._padding)
        if cache_x is not None and self._padding[4] > 0:
            x = torch.cat([cache_x.to(x.device), x], dim=2)
            padding[4] -= cache_x.shape[2]
        x = F.pad(x, padding)
        return F.conv3d(x, self.weight, self.bias, self.stride)


class RMSNorm3d(nn.Module):
    def __init__(self, f: Factory, dim: int, images: bool = False):
        super().__init__()
        self.scale = dim ** 0.5
        self.gamma = f.param((dim, 1, 1) if images else (dim, 1, 1, 1), init="ones")

    def forward(self, x):
        return F.normalize(x, dim=1) * self.scale * self.gamma


def _cached_conv(layer: CausalConv3d, x, feat_cache, feat_idx):
    idx = feat_idx[0]
    cache_x = x[:, :, -CACHE_T:, :, :].clone()
    if cache_x.shape[2] < 2 and feat_cache[idx] is not None:
        cache_x = torch.cat([feat_cache[idx][:, :, -1, :, :].unsqueeze(2).to(cache_x.device), cache_x], dim=2)
    x = layer(x, feat_cache[idx])
    feat_cache[idx] = cache_x
    feat_idx[0] += 1
    return x


class Resample(nn.Module):
    def __init__(self, f: Factory, dim: int, mode: str):
        super().__init__()
        self.mode = mode
        if mode in ("upsample2d", "upsample3d"):
            self.conv_w = f.param((dim // 2, dim, 3, 3), std=_std(dim * 9))
            self.conv_b = f.param((dim // 2,), init="zeros")
            if mode == "upsample3d":
                self.time_conv = CausalConv3d(f, dim, dim * 2, (3, 1, 1), padding=(1, 0, 0))
        else:
            self.conv_w = f.param((dim, dim, 3, 3), std=_std(dim * 9))
            self.conv_b = f.param((dim,), init="zeros")
            if mode == "downsample3d":
                self.time_conv = CausalConv3d(f, dim, dim, (3, 1, 1), stride=(2, 1, 1), padding=(0, 0, 0))

    def forward(self, x, feat_cache=None, feat_idx=[0]):
        b, c, t, h, w = x.size()
        if self.mode == "upsample3d" and feat_cache is not None:
            idx = feat_idx[0]
            if feat_cache[idx] is None:
                feat_cache[idx] = "Rep"
                feat_idx[0] += 1
            else:
                cache_x = x[:, :, -CACHE_T:, :, :].clone()
                if cache_x.shape[2] < 2 and not isinstance(feat_cache[idx], str):
                    cache_x = torch.cat([feat_cache[idx][:, :, -1, :, :].unsqueeze(2), cache_x], dim=2)
                if cache_x.shape[2] < 2 and isinstance(feat_cache[idx], str):
                    cache_x = torch.cat([torch.zeros_like(cache_x), cache_x], dim=2)
                if isinstance(feat_cache[idx], str):
                    x = self.time_conv(x)
                else:
                    x = self.time_conv(x, feat_cache[idx])
                feat_cache[idx] = cache_x
                feat_idx[0] += 1
                x = x.reshape(b, 2, c, t, h, w)
                x = torch.stack((x[:, 0], x[:, 1]), 3)
                x = x.reshape(b, c, t * 2, h, w)
        t = x.shape[2]
        x = x.permute(0, 2, 1, 3, 4).reshape(b * t, x.shape[1], x.shape[3], x.shape[4])
        if self.mode.startswith("upsample"):
            x = F.interpolate(x.float(), scale_factor=(2.0, 2.0), mode="nearest-exact").type_as(x)
            x = F.conv2d(x, self.conv_w, self.conv_b, padding=1)
        else:
            x = F.conv2d(F.pad(x, (0, 1, 0, 1)), self.conv_w, self.conv_b, stride=2)
        x = x.reshape(b, t, x.shape[1], x.shape[2], x.shape[3]).permute(0, 2, 1, 3, 4)
        if self.mode == "downsample3d" and feat_cache is not None:
            idx = feat_idx[0]
            if feat_cache[idx] is None:
                feat_cache[idx] = x.clone()
                feat_idx[0] += 1
            else:
                cache_x = x[:, :, -1:, :, :].clone()
                x = self.time_conv(torch.cat([feat_cache[idx][:, :, -1:, :, :], x], 2))
                feat_cache[idx] = cache_x
                feat_idx[0] += 1
        return x


class ResidualBlock(nn.Module):
    def __init__(self, f: Factory, cin: int, cout: int):
        super().__init__()
        self.norm1 = RMSNorm3d(f, cin)
        self.conv1 = CausalConv3d(f, cin, cout, 3, padding=1)
        self.norm2 = RMSNorm3d(f, cout)
        self.conv2 = CausalConv3d(f, cout, cout, 3, padding=1)
        self.shortcut = CausalConv3d(f, cin, cout, 1) if cin != cout else None

    def forward(self, x, feat_cache=None, feat_idx=[0]):
        h = self.shortcut(x) if self.shortcut is not None else x
        x = F.silu(self.norm1(x))
        x = _cached_conv(self.conv1, x, feat_cache, feat_idx) if feat_cache is not None else self.conv1(x)
        x = F.silu(self.norm2(x))
        x = _cached_conv(self.conv2, x, feat_cache, feat_idx) if feat_cache is not None else self.conv2(x)
        return x + h


class AttentionBlock(nn.Module):
    def __init__(self, f: Factory, dim: int):
        super().__init__()
        self.norm = RMSNorm3d(f, dim, images=True)
        self.qkv_w = f.param((dim * 3, dim, 1, 1), std=_std(dim))
        self.qkv_b = f.param((dim * 3,), init="zeros")
        self.proj_w = f.param((dim, dim, 1, 1), std=_std(dim))
        self.proj_b = f.param((dim,), init="zeros")

    def forward(self, x):
        identity = x
        b, c, t, h, w = x.size()
        x = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w)
        x = self.norm(x)
        q, k, v = F.conv2d(x, self.qkv_w, self.qkv_b).reshape(b * t, 1, c * 3, -1).permute(0, 1, 3, 2) \
            .contiguous().chunk(3, dim=-1)
        if HAS_SDPA:
            x = F.scaled_dot_product_attention(q, k, v)
        else:
            x = torch.softmax((q.float() @ k.float().transpose(-1, -2)) / c ** 0.5, -1).to(q.dtype) @ v
        x = x.squeeze(1).permute(0, 2, 1).reshape(b * t, c, h, w)
        x = F.conv2d(x, self.proj_w, self.proj_b)
        x = x.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4)
        return x + identity


class Encoder3d(nn.Module):
    def __init__(self, f: Factory, dim: int, z_dim: int, dim_mult=(1, 2, 4, 4), num_res_blocks=2,
                 temperal_downsample=(False, True, True)):
        super().__init__()
        dims = [dim * u for u in [1] + list(dim_mult)]
        self.conv1 = CausalConv3d(f, 3, dims[0], 3, padding=1)
        layers: List[nn.Module] = []
        out_dim = dims[0]
        for i, (in_dim, out_dim) in enumerate(zip(dims[:-1], dims[1:])):
            for _ in range(num_res_blocks):
                layers.append(ResidualBlock(f, in_dim, out_dim))
                in_dim = out_dim
            if i != len(dim_mult) - 1:
                layers.append(Resample(f, out_dim, "downsample3d" if temperal_downsample[i] else "downsample2d"))
        self.downsamples = nn.ModuleList(layers)
        self.middle = nn.ModuleList([ResidualBlock(f, out_dim, out_dim), AttentionBlock(f, out_dim),
                                     ResidualBlock(f, out_dim, out_dim)])
        self.head_norm = RMSNorm3d(f, out_dim)
        self.head_conv = CausalConv3d(f, out_dim, z_dim, 3, padding=1)

    def forward(self, x, feat_cache, feat_idx):
        x = _cached_conv(self.conv1, x, feat_cache, feat_idx)
        for layer in self.downsamples:
            x = layer(x, feat_cache, feat_idx)
        for layer in self.middle:
            x = layer(x, feat_cache, feat_idx) if isinstance(layer, ResidualBlock) else layer(x)
        x = F.silu(self.head_norm(x))
        return _cached_conv(self.head_conv, x, feat_cache, feat_idx)


class Decoder3d(nn.Module):
    def __init__(self, f: Factory, dim: int, z_dim: int, dim_mult=(1, 2, 4, 4), num_res_blocks=2,
                 temperal_upsample=(True, True, False)):
        super().__init__()
        dim_mult = list(dim_mult)
        dims = [dim * u for u in [dim_mult[-1]] + dim_mult[::-1]]
        self.conv1 = CausalConv3d(f, z_dim, dims[0], 3, padding=1)
        self.middle = nn.ModuleList([ResidualBlock(f, dims[0], dims[0]), AttentionBlock(f, dims[0]),
                                     ResidualBlock(f, dims[0], dims[0])])
        layers: List[nn.Module] = []
        out_dim = dims[0]
        for i, (in_dim, out_dim) in enumerate(zip(dims[:-1], dims[1:])):
            if i in (1, 2, 3):
                in_dim = in_dim // 2
            for _ in range(num_res_blocks + 1):
                layers.append(ResidualBlock(f, in_dim, out_dim))
                in_dim = out_dim
            if i != len(dim_mult) - 1:
                layers.append(Resample(f, out_dim, "upsample3d" if temperal_upsample[i] else "upsample2d"))
        self.upsamples = nn.ModuleList(layers)
        self.head_norm = RMSNorm3d(f, out_dim)
        self.head_conv = CausalConv3d(f, out_dim, 3, 3, padding=1)

    def forward(self, x, feat_cache, feat_idx):
        x = _cached_conv(self.conv1, x, feat_cache, feat_idx)
        for layer in self.middle:
            x = layer(x, feat_cache, feat_idx) if isinstance(layer, ResidualBlock) else layer(x)
        for layer in self.upsamples:
            x = layer(x, feat_cache, feat_idx)
        x = F.silu(self.head_norm(x))
        return _cached_conv(self.head_conv, x, feat_cache, feat_idx)


def _count_convs(m: nn.Module) -> int:
    return sum(1 for x in m.modules() if isinstance(x, CausalConv3d))


class WanVAE(nn.Module):
    """WanVAE_ (dim 96, z 16) plus the Wan2_1_VAE wrapper's float()/clamp_ on decode."""

    def __init__(self, f: Factory, dim: int = 96, z_dim: int = 16):
        super().__init__()
        self.z_dim = z_dim
        self.encoder = Encoder3d(f, dim, z_dim * 2, temperal_downsample=(False, True, True))
        self.conv1 = CausalConv3d(f, z_dim * 2, z_dim * 2, 1)
        self.conv2 = CausalConv3d(f, z_dim, z_dim, 1)
        self.decoder = Decoder3d(f, dim, z_dim, temperal_upsample=(True, True, False))
        self._stream_cache: Optional[list] = None

    def param_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x [1, 3, T, H, W] bf16 -> mu [1, 16, 1 + (T-1)//4, H/8, W/8] float32."""
        cache: list = [None] * _count_convs(self.encoder)
        t = x.shape[2]
        out = None
        with _autocast(x):
            for i in range(1 + (t - 1) // 4):
                idx = [0]
                chunk = x[:, :, :1] if i == 0 else x[:, :, 1 + 4 * (i - 1):1 + 4 * i]
                o = self.encoder(chunk, cache, idx)
                out = o if out is None else torch.cat([out, o], 2)
            mu, _ = self.conv1(out).chunk(2, dim=1)
            return mu.float()

    @torch.no_grad()
    def decode(self, z: torch.Tensor, sample=None) -> torch.Tensor:
        """z [1, 16, T, h, w] -> [1, 3, 1 + 4(T-1), 8h, 8w] float32, one latent frame at a time."""
        cache: list = [None] * _count_convs(self.decoder)
        with _autocast(z):
            x = self.conv2(z.to(BF16))
            out = None
            for i in range(z.shape[2]):
                idx = [0]
                o = self.decoder(x[:, :, i:i + 1], cache, idx)
                out = o if out is None else torch.cat([out, o], 2)
                if sample is not None:
                    sample()
            return out.float().clamp_(-1, 1)

    @torch.no_grad()
    def stream_decode(self, z: torch.Tensor, sample=None) -> torch.Tensor:
        """vae_streaming.py (TPP VAE rank): the decoder cache persists across calls."""
        if self._stream_cache is None:
            self._stream_cache = [None] * _count_convs(self.decoder)
        with _autocast(z):
            x = self.conv2(z.to(BF16))
            out = None
            for i in range(z.shape[2]):
                idx = [0]
                o = self.decoder(x[:, :, i:i + 1], self._stream_cache, idx)
                out = o if out is None else torch.cat([out, o], 2)
                if sample is not None:
                    sample()
            return out.float().clamp_(-1, 1)
