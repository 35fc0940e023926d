"""ENABLE_COMPILE on Python >= 3.12: upstream's cross-attention runs outside torch.compile.

Upstream @9c2c38d wan_2_2/modules/attention.py `flash_attention` slices keys per sample with
`[u[:v] for u, v in zip(v, k_lens)]`; the tensor bound `u[:v]` is a graph break. Python 3.12 inlines comprehensions
(PEP 709), and dynamo's resume function after that break loses the outer `v` (UnboundLocalError at the first compiled
forward on the GPU machine's Python 3.12 / PyTorch 2.11; upstream's environment ran it on an older Python, where the
comprehension is its own frame). Wrapping `flash_attention` in `torch._dynamo.disable` at every name upstream bound it
to keeps the call and its kernels as they are and runs that function eagerly.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, List, Mapping, Optional, Tuple

NAME = "flash_attention"
NOTE = ("compile (patch, ENABLE_COMPILE on Python >= 3.12): wan_2_2/modules/attention.py flash_attention (cross-attention "
        "and the motioner's attention) is wrapped in torch._dynamo.disable where upstream's modules bound it, because "
        "dynamo's resume after its per-sample slicing graph break loses a comprehension-shadowed local on Python 3.12 "
        "(UnboundLocalError). Time: the few glue ops around the flash_attn call (cat, cast, cumsum) run eagerly instead "
        "of in the resumed compiled graph; the attention kernel itself is opaque to compile either way. Memory: none "
        "beyond eager's small temporaries.")


def apply(compile_on: bool, attention_module: Any, patch: Callable[[Any, str, Any], None],
          modules: Optional[Mapping[str, Any]] = None, version: Tuple[int, int] = sys.version_info[:2],
          disable: Optional[Callable[[Any], Any]] = None) -> List[str]:
    """Wrap upstream's flash_attention wherever a liveavatar module bound it (through the Instrument's undoable
    `patch`); returns the note, or nothing where compile is off or Python inlines no comprehensions."""
    if not compile_on or version < (3, 12):
        return []
    original = getattr(attention_module, NAME, None)
    if not callable(original):
        raise RuntimeError(f"ENABLE_COMPILE: {attention_module.__name__} has no {NAME} (another upstream commit?)")
    if disable is None:
        import torch
        disable = torch._dynamo.disable
    wrapped = disable(original)
    owners = [mod for name, mod in list((modules if modules is not None else sys.modules).items())
              if name.split(".")[0] == "liveavatar" and mod is not None and getattr(mod, NAME, None) is original]
    for mod in owners:
        patch(mod, NAME, wrapped)
    return [NOTE]
