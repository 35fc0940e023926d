"""Headroom's loader patch (--quantize-on-cpu) on upstream's own code: the DiT is built and its LoRA merged on the CPU,
and each Linear upstream's replace_linear_with_scaled_fp8 converts reaches the GPU alone, where upstream's own
FP8ScaleLinear.from_linear quantizes it (quant_fp8 compiled for CUDA, as upstream runs it). The GPU never holds more
than one layer's bf16 weight; the rest of the DiT (norms, embeddings, the layers upstream leaves in bf16) stays on the
CPU until generate() moves the model, as upstream's offload_model path does.

Building 14B parameters on the CPU with torch's serial random init takes minutes of device time; upstream reads a
checkpoint there instead, so the values are ours either way: weights.fast_random_init() fills the draws from a random
tile (values move neither memory nor kernel time).
"""
from __future__ import annotations

from typing import Callable, Tuple

import torch
import torch.nn as nn

from . import weights

FP8_MODULE = "liveavatar.utils.fp8_linear"

NOTE = ("quantize_on_cpu (Headroom's loader patch, not an upstream flag): CausalWanModel_S2V is built in bf16 on the CPU "
        "(from_pretrained's device_map ignored) and peft wraps and merges the LoRA there; upstream's "
        "replace_linear_with_scaled_fp8 then runs unchanged, except that FP8ScaleLinear.from_linear first moves the one "
        "Linear it converts to the GPU, so upstream's quant_fp8 quantizes it there (the GPU holds at most one layer's "
        "bf16 weight beside the fp8 ones); the rest of the DiT reaches the GPU when generate() moves the model. The "
        "DiT's random draws on the CPU copy a normal(0, 0.02) tile instead of torch's serial init (fast_random_init): "
        "values differ, shapes and dtypes do not. Host RAM holds the bf16 DiT while it is built, as the patch would.")


def build_on_cpu(build: Callable[[], nn.Module]) -> Tuple[nn.Module, int]:
    """build() on torch's default device (the CPU) with the random draws filled from a tile; returns the model and
    the elements filled."""
    fill = weights.TileFill()
    with weights.fast_random_init(fill):
        model = build()
    return model, fill.elements


def from_linear_on(device: torch.device, original: Callable) -> Callable:
    """FP8ScaleLinear.from_linear, with the Linear it converts moved to device first (upstream's own method after)."""
    def from_linear(cls, linear: nn.Linear, quantize_weight=True):
        linear.to(device)
        return original.__func__(cls, linear, quantize_weight=quantize_weight)
    return classmethod(from_linear)
