"""Headroom's loader patch (--quantize-on-cpu) on upstream's own code: the DiT is built and its LoRA merged on the CPU,
and each Linear upstream's replace_linear_with_scaled_fp8 converts reaches the GPU alone, where upstream's own
FP8ScaleLinear.from_linear quantizes it (quant_fp8 compiled for CUDA, as upstream runs it). The GPU never holds more
than one layer's bf16 weight; the rest of the DiT (norms, embeddings, the layers upstream leaves in bf16) stays on the
CPU until generate() moves the model, as upstream's offload_model path does.

Building 14B parameters on the CPU with torch's serial random init takes minutes of device time; upstream reads a
checkpoint there instead, so the values are ours either way. fast_init() makes the init functions record their tensors
instead, and fill_recorded_() gives them a tiled random pattern (values move neither memory nor kernel time).
"""
from __future__ import annotations

import contextlib
from typing import Callable, List, Tuple

import torch
import torch.nn as nn

FP8_MODULE = "liveavatar.utils.fp8_linear"
INIT_FUNCTIONS = ("kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_", "uniform_", "normal_",
                  "trunc_normal_", "zeros_", "ones_", "constant_")
TILE_ELEMENTS = 1 << 24

NOTE = ("quantize_on_cpu (Headroom's loader patch, not an upstream flag): CausalWanModel_S2V is built in bf16 on the CPU "
        "(from_pretrained's device_map ignored) and peft wraps and merges the LoRA there; upstream's "
        "replace_linear_with_scaled_fp8 then runs unchanged, except that FP8ScaleLinear.from_linear first moves the one "
        "Linear it converts to the GPU, so upstream's quant_fp8 quantizes it there (the GPU holds at most one layer's "
        "bf16 weight beside the fp8 ones); the rest of the DiT reaches the GPU when generate() moves the model. The "
        "DiT's init on the CPU is a tiled normal(0, 0.02) pattern instead of torch's serial init (fast_init): values "
        "differ, shapes and dtypes do not. Host RAM holds the bf16 DiT while it is built, as the patch would.")


@contextlib.contextmanager
def fast_init(recorded: List[torch.Tensor]):
    """torch.nn.init's functions record the tensor they were given and leave it as allocated."""
    saved = {name: getattr(nn.init, name) for name in INIT_FUNCTIONS if hasattr(nn.init, name)}

    def recorder(tensor, *_a, **_k):
        recorded.append(tensor)
        return tensor
    for name in saved:
        setattr(nn.init, name, recorder)
    try:
        yield recorded
    finally:
        for name, fn in saved.items():
            setattr(nn.init, name, fn)


def fill_recorded_(tensors: List[torch.Tensor], std: float = 0.02, seed: int = 0) -> int:
    """Fills each floating tensor from one random tile (a copy, multi-threaded, not a serial draw); returns elements."""
    gen = torch.Generator().manual_seed(seed)
    tile = torch.randn(TILE_ELEMENTS, generator=gen) * std
    tiles = {}
    filled = 0
    with torch.no_grad():
        for t in tensors:
            if not t.is_floating_point() or t.is_meta or t.numel() == 0:
                continue
            if not t.is_contiguous():
                t.copy_(torch.randn(t.shape, generator=gen) * std)
                filled += t.numel()
                continue
            src = tiles.setdefault((t.dtype, t.device), tile.to(dtype=t.dtype, device=t.device))
            flat = t.view(-1)
            for start in range(0, flat.numel(), TILE_ELEMENTS):
                n = min(TILE_ELEMENTS, flat.numel() - start)
                flat[start:start + n].copy_(src[:n])
            filled += t.numel()
    return filled


def build_on_cpu(build: Callable[[], nn.Module]) -> Tuple[nn.Module, int]:
    """build() runs with torch's default device (the CPU) and the init functions recording; then the fill.
    Returns the model and the elements filled."""
    recorded: List[torch.Tensor] = []
    with fast_init(recorded):
        model = build()
    return model, fill_recorded_(recorded)


def from_linear_on(device: torch.device, original: Callable) -> Callable:
    """FP8ScaleLinear.from_linear, with the Linear it converts moved to device first (upstream's own method after)."""
    def from_linear(cls, linear: nn.Linear, quantize_weight=True):
        linear.to(device)
        return original.__func__(cls, linear, quantize_weight=quantize_weight)
    return classmethod(from_linear)
