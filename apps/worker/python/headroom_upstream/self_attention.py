"""--self-attention: upstream's cuDNN self-attention (unchanged, the default) or PyTorch's SDPA at the same call.

Upstream @9c2c38d sends every self-attention of CausalWanS2VSelfAttention (causal_model_s2v.py: the streaming call and
the cond-prefill call, both `attention(...)`) through wan_2_2/modules/attention.py `attention()`, which calls
`cudnn_attention_forward_with_lse` -> `torch.ops.aten._scaled_dot_product_cudnn_attention` whenever window_size is
(-1, -1) (wan_s2v_14B_modified.py) and the head dim (5120 / 40 = 128) is <= 256: always, on this model. Nothing else
calls that function; cross-attention goes through `flash_attention` and is not touched. The `sdpa` choice replaces only
that module attribute, in memory, so `attention()`'s own dispatch, its arguments and every other call stay upstream's;
the speed factor "cuDNN attention" is the ratio of the two runs' forwards.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional

import torch

from .shims import sdpa

MODULE = "liveavatar.models.wan.wan_2_2.modules.attention"
TARGET = "cudnn_attention_forward_with_lse"
# wan_s2v_14B_modified.py: dim 5120, num_heads 40 -> head dim 128; the backend probe asks PyTorch about that shape
HEADS, HEAD_DIM = 40, 128


def sdpa_attention_forward(q, k, v, attn_mask=None, dropout_p: float = 0.0, is_causal: bool = False, scale=None):
    """cudnn_attention_forward_with_lse's contract through torch.nn.functional.scaled_dot_product_attention:
    q [B, Lq, H, D], k/v [B, Lk, H, D] in, [B, Lq, H, D] contiguous out, same mask, dropout, causal flag and scale.
    Upstream asks cuDNN for the log-sum-exp too and drops it: SDPA computes none at inference."""
    out = sdpa(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=attn_mask, dropout_p=dropout_p,
               is_causal=is_causal, scale=scale)
    return out.transpose(1, 2).contiguous()


# choice -> the function put in place of upstream's (None: upstream's own stays)
REPLACEMENT = {"cudnn": None, "sdpa": sdpa_attention_forward}

ATTENTION = {
    "cudnn": "upstream: self-attention cuDNN SDPA (aten._scaled_dot_product_cudnn_attention); "
             "cross-attention flash_attn (shimmed to SDPA where missing)",
    "sdpa": "self-attention: torch.nn.functional.scaled_dot_product_attention in place of upstream's cuDNN call "
            "(PyTorch picks the kernel: see sdpaBackend); cross-attention flash_attn (shimmed to SDPA where missing)",
}

NOTES = {
    "sdpa": "self-attention (patch, --self-attention sdpa): wan_2_2/modules/attention.py cudnn_attention_forward_with_lse "
            "is replaced in memory by torch.nn.functional.scaled_dot_product_attention on the same [B, L, H, D] "
            "tensors (same mask, causal flag, scale; output transposed back and made contiguous, as upstream does); "
            "attention() still decides when it is called, cross-attention is untouched. Time: the forward measures "
            "PyTorch's kernel choice (flash/efficient/math, recorded as sdpaBackend; if that is CUDNN_ATTENTION the "
            "two runs share a kernel) instead of cuDNN's. Memory: no log-sum-exp buffer (fp32 [B, H, Lq]: 40 x 3168 x 4 B, "
            "about 0.5 MiB per call at 704*384); a math fallback would materialize the Lq x Lk scores (bf16, up to "
            "40 x 3168 x 13728 x 2 B = 3.2 GiB per call at 704*384: a 3-frame block of 1056-token latent frames "
            "against the 12-frame KV cache plus 1056 cond tokens), flash/efficient need only small workspaces.",
}


def apply(choice: str, attention_module: Any, patch: Callable[[Any, str, Any], None]) -> List[str]:
    """Put the choice's function in place of upstream's through `patch` (the Instrument's, undone after the run);
    returns the notes of what was patched (none for cudnn: upstream unchanged)."""
    new = REPLACEMENT[choice]
    if new is None:
        return []
    if not callable(getattr(attention_module, TARGET, None)):
        raise RuntimeError(f"--self-attention {choice}: {MODULE} has no {TARGET} to replace (another upstream commit?)")
    patch(attention_module, TARGET, new)
    return [NOTES[choice]]


def sdpa_backend(device: torch.device) -> Optional[str]:
    """The kernel PyTorch's SDPA picks for upstream's attention head shape on this device (bf16, 40 heads of 128),
    asked once before the run: FLASH_ATTENTION, EFFICIENT_ATTENTION, MATH, CUDNN_ATTENTION … With --self-attention
    sdpa it is self-attention's kernel; in either mode it is the flash_attn shim's (cross-attention), where that shim
    is installed. None off CUDA or where this torch has no torch._fused_sdp_choice."""
    if device.type != "cuda" or not hasattr(torch, "_fused_sdp_choice"):
        return None
    try:
        q = torch.zeros(1, HEADS, 256, HEAD_DIM, dtype=torch.bfloat16, device=device)
        choice = int(torch._fused_sdp_choice(q, q, q))
        del q
        torch.cuda.empty_cache()  # the run's reserved bytes start where they would have without the probe
    except Exception as e:  # noqa: BLE001 - a probe of a private API: say so rather than fail the run
        return f"unknown ({type(e).__name__})"
    try:
        from torch.nn.attention import SDPBackend
        names = {int(member): name for name, member in SDPBackend.__members__.items()}
    except Exception:  # noqa: BLE001 - torch < 2.3 names the enum elsewhere
        names = {}
    return names.get(choice, f"backend {choice}")
