"""Building blocks shared by the DiT, T5, wav2vec2 and VAE emulations; torch 1.13 (CPU) and 2.x (CUDA)."""
from __future__ import annotations

import math
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .mem import Mem

BF16 = torch.bfloat16
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
FP8_DTYPE = getattr(torch, "float8_e4m3fn", None)
HAS_SCALED_MM = hasattr(torch, "_scaled_mm")
FP8_MAX = 448.0
# What the fp8 path had to work around at run time (reported in the result's notes)
FP8_EVENTS: dict = {}


def fp8_support(device: torch.device) -> Tuple[bool, str]:
    """Whether the upstream fp8 path (float8_e4m3fn + torch._scaled_mm) can run here."""
    if FP8_DTYPE is None or not HAS_SCALED_MM:
        return False, f"torch {torch.__version__} has no float8_e4m3fn/_scaled_mm"
    if device.type != "cuda":
        return False, "torch._scaled_mm needs a CUDA device"
    major, minor = torch.cuda.get_device_capability(device)
    if (major, minor) < (8, 9):
        return False, f"compute capability {major}.{minor} has no fp8 tensor cores"
    return True, "float8_e4m3fn weights, per-tensor scales, torch._scaled_mm (fp8_linear.py)"


def rope_freq_dtype(device: torch.device) -> torch.dtype:
    """S2V's rope_precompute stores freqs as complex32 (view_as_complex of a float16 view); fall back to complex64."""
    import warnings

    try:
        warnings.filterwarnings("ignore", message="ComplexHalf support is experimental")
        a = torch.view_as_complex(torch.zeros(2, 2, dtype=torch.float64, device=device))
        b = torch.zeros(2, dtype=torch.complex64, device=device).to(torch.chalf)
        (a * b).sum()
        return torch.chalf
    except Exception:  # noqa: BLE001 - any failure means "not supported here"
        return torch.complex64


class Factory:
    """Creates parameters on the probe's device (counted against the cap) or on the meta device (for FSDP)."""

    def __init__(self, mem: Mem, meta: bool = False):
        self.mem = mem
        self.meta = meta

    def param(self, shape: Sequence[int], dtype: torch.dtype = BF16, init: str = "normal",
              std: float = 0.02) -> nn.Parameter:
        if self.meta:
            return nn.Parameter(torch.empty(tuple(shape), dtype=dtype, device="meta"), requires_grad=False)
        return self.mem.alloc(shape, dtype, init=init, std=std, param=True)


def init_meta_module(module: nn.Module, device: torch.device) -> None:
    """FSDP param_init_fn: materialize one module's own parameters on the device with the probe's init."""
    module.to_empty(device=device, recurse=False)
    with torch.no_grad():
        for name, p in module.named_parameters(recurse=False):
            if "norm" in name or name in ("gamma",):
                p.fill_(1.0)
            elif "bias" in name:
                p.zero_()
            else:
                p.normal_(0.0, 0.02)


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """q [B, Lq, H, D], k/v [B, Lk, H, D] -> [B, Lq, H, D] (bf16). SDPA where it exists, else softmax(QK^T)V."""
    q, k, v = q.to(BF16), k.to(BF16), v.to(BF16)
    if HAS_SDPA:
        out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        return out.transpose(1, 2)
    scale = 1.0 / math.sqrt(q.shape[-1])
    qh, kh, vh = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    scores = torch.matmul(qh.float(), kh.float().transpose(-1, -2)) * scale
    probs = torch.softmax(scores, dim=-1)
    return torch.matmul(probs, vh.float()).to(BF16).transpose(1, 2)


def rope_apply(x: torch.Tensor, freqs: torch.Tensor) -> torch.Tensor:
    """Wan S2V rope_apply: float64 complex product per sample, returned as float32 (model_s2v.py)."""
    n = x.size(2)
    output = []
    for i in range(x.size(0)):
        s = x.size(1)
        x_i = torch.view_as_complex(x[i, :s].to(torch.float64).reshape(s, n, -1, 2))
        freqs_i = freqs[i, :s]
        x_i = torch.view_as_real(x_i * freqs_i).flatten(2)
        output.append(x_i)
    return torch.stack(output).float()


def make_freqs(tokens: int, heads: int, head_dim: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    theta = torch.rand(1, tokens, heads, head_dim // 2, device=device) * 6.283
    return torch.polar(torch.ones_like(theta), theta).to(dtype)


class RMSNorm(nn.Module):
    """WanRMSNorm: normalize in float32, cast back, scale by a bf16 weight."""

    def __init__(self, f: Factory, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.norm_weight = f.param((dim,), init="ones")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(dim=-1, keepdim=True) + self.eps)).type_as(x) * self.norm_weight


class LayerNormAffine(nn.Module):
    """WanLayerNorm(elementwise_affine=True) (norm3): computed in float32, returned in the input's dtype."""

    def __init__(self, f: Factory, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.norm_weight = f.param((dim,), init="ones")
        self.bias = f.param((dim,), init="zeros")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x.float(), (x.shape[-1],), self.norm_weight.float(), self.bias.float(), self.eps).type_as(x)


def layer_norm(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """WanLayerNorm(elementwise_affine=False)."""
    return F.layer_norm(x.float(), (x.shape[-1],), eps=eps).type_as(x)


class ProbeLinear(nn.Module):
    """nn.Linear in bf16, or LiveAvatar's FP8ScaleLinear (float8_e4m3fn weight + fp32 scale, torch._scaled_mm).

    fp8 weights are kept as plain attributes (not parameters) so FSDP never sees them.
    """

    def __init__(self, f: Factory, in_f: int, out_f: int, bias: bool = True, direct_fp8: bool = False):
        super().__init__()
        self.in_features, self.out_features = in_f, out_f
        self.fp8 = False
        self.weight_fp8: Optional[torch.Tensor] = None
        self.weight_scale: Optional[torch.Tensor] = None
        self.lora_a: Optional[torch.Tensor] = None
        self.lora_b: Optional[torch.Tensor] = None
        if direct_fp8:
            # Headroom's loader patch (quantizeOnCpu): the fp8 weight is all that ever reaches the GPU.
            self.weight_fp8 = f.mem.alloc((out_f, in_f), FP8_DTYPE, init="normal")
            self.weight_scale = f.mem.alloc((), torch.float32, init="empty")
            self.weight_scale.fill_(0.02)
            self.fp8 = True
        else:
            self.weight = f.param((out_f, in_f))
        self.bias = f.param((out_f,), init="zeros") if bias else None

    # -- load-time transforms (causal_s2v_pipeline.add_lora_to_model, fp8_linear.replace_linear_with_scaled_fp8)
    def add_lora(self, mem: Mem, rank: int) -> None:
        """PEFT LoraLayer: lora_A [r, in] and lora_B [out, r], upcast to float32 (autocast_adapter_dtype)."""
        self.lora_a = mem.alloc((rank, self.in_features), torch.float32, std=0.01)
        self.lora_b = mem.alloc((self.out_features, rank), torch.float32, std=0.01)

    def merge_lora(self, scaling: float = 1.0) -> None:
        """merge_and_unload: delta = (B @ A) * scaling in float32, added into the bf16 weight, adapters dropped."""
        if self.lora_a is None:
            return
        with torch.no_grad():
            delta = (self.lora_b @ self.lora_a) * scaling
            self.weight.data += delta
            del delta
        self.lora_a = None
        self.lora_b = None

    def convert_fp8(self, mem: Mem) -> None:
        """FP8ScaleLinear.from_linear + quantize_weight: a fresh bf16 copy on the GPU, quant_fp8, bf16 dropped."""
        if self.fp8:
            return
        with torch.no_grad():
            w = self.weight
            fresh = mem.alloc(w.shape, w.dtype, init="empty")
            fresh.copy_(w)
            amax = torch.max(torch.abs(fresh)).float()
            scale = (FP8_MAX / torch.clamp(amax, min=1e-12)).clamp(max=FP8_MAX)
            q = (fresh * scale).clamp(-FP8_MAX, FP8_MAX).to(FP8_DTYPE)
            mem.track(q)
            del fresh
            self.weight_fp8 = q
            self.weight_scale = scale.reciprocal()
            del self.weight  # the Parameter: its storage goes with it (the old nn.Linear is dropped upstream)
            self.fp8 = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.fp8:
            return F.linear(x.to(self.weight.dtype), self.weight, self.bias)
        shape = x.shape
        x2 = x.reshape(-1, self.in_features)
        amax = torch.max(torch.abs(x2)).float()
        scale = (FP8_MAX / torch.clamp(amax, min=1e-12)).clamp(max=FP8_MAX)
        xq = (x2 * scale).clamp(-FP8_MAX, FP8_MAX).to(FP8_DTYPE)
        try:
            out = self._mm(xq, scale)
        except RuntimeError as exc:
            if "out of memory" in str(exc).lower():
                raise
            rows = xq.shape[0]
            try:
                padded = torch.zeros(((rows + 15) // 16) * 16, xq.shape[1], device=xq.device, dtype=xq.dtype)
                padded[:rows] = xq
                out = self._mm(padded, scale)[:rows]
                FP8_EVENTS.setdefault("padded", str(exc)[:300])
            except RuntimeError as exc2:
                if "out of memory" in str(exc2).lower():
                    raise
                # keep measuring: dequantize (the weights' memory stays fp8) and say so in the result
                FP8_EVENTS.setdefault("dequantized", str(exc2)[:300])
                w = self.weight_fp8.to(BF16) * self.weight_scale.to(BF16)
                out = F.linear(x2.to(BF16), w, self.bias)
        return out.reshape(*shape[:-1], self.out_features)

    def _mm(self, xq: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        out = torch._scaled_mm(xq, self.weight_fp8.t(), scale_a=scale.reciprocal(), scale_b=self.weight_scale,
                               bias=self.bias, out_dtype=BF16, use_fast_accum=True)
        return out[0] if isinstance(out, tuple) else out

    def weight_bytes(self) -> int:
        if self.fp8:
            return self.weight_fp8.numel()
        return self.weight.numel() * self.weight.element_size()
