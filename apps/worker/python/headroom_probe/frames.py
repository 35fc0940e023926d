"""Decoded frames on the host, as LiveAvatar keeps and saves them (Alibaba-Quark/LiveAvatar @9c2c38d).

causal_s2v_pipeline.py generate(), offline decode (one GPU, no --enable_online_decode):
  per clip   image = torch.stack(self.vae.decode(...))            # fp32 [1, 3, 4*(19+lat)-3, H, W] on the GPU
             image = image[:, :, -infer_frames:]  (clip 0: then image[:, :, 3:])
             out.append(image.cpu())                              # fp32, only the kept frames (a dense copy)
  end        videos = torch.cat(out, dim=2)                       # a second copy; `out` lives until generate returns
             return videos[0]
s2v_streaming_interact.py: save_video(tensor=video[None], ...) (wan_2_2/utils/utils.py), while `video` stays alive:
             tensor = tensor.clamp(-1, 1)                         # third copy
             tensor = torch.stack([make_grid(u, nrow=8, normalize=True, value_range=(-1, 1))
                                   for u in tensor.unbind(2)], dim=1).permute(1, 2, 3, 0)
                      # make_grid(normalize=True) clones each [1, 3, H, W] frame (fourth copy, per frame) and
                      # returns it squeezed; torch.stack makes the fifth while the clamped copy and the list live
             tensor = (tensor * 255).type(torch.uint8).cpu()      # an fp32 temporary and the uint8 frames
So at the peak (inside the stack) the host holds 4 fp32 copies of every kept frame: video, clamped, the per-frame
clones, the stacked result (`out` was freed when generate returned, so the cat's two copies do not add to it).
"""
from __future__ import annotations

from typing import Callable, List, Optional

import torch

# fp32 copies of all kept frames alive together at the host peak (save_video's stack), read from the source above
FRAME_COPIES_AT_PEAK = 4


def kept_frames(clips: int, infer_frames: int) -> int:
    """Frames in the saved video: infer_frames per clip, clip 0 three fewer (offline decode)."""
    return max(0, clips * infer_frames - 3)


def generate_concat(out: List[torch.Tensor]) -> torch.Tensor:
    """videos = torch.cat(out, dim=2); the caller drops `out` afterwards (generate returns videos[0])."""
    return torch.cat(out, dim=2)


def save_video_preprocess(video: torch.Tensor, value_range=(-1.0, 1.0),
                          sample: Optional[Callable[[], None]] = None) -> torch.Tensor:
    """save_video(tensor=video[None]) up to the uint8 frames handed to imageio, in plain torch (no torchvision):
    clamp, make_grid's per-frame clone + in-place normalize (one image per grid: returned squeezed), stack, *255, uint8."""
    low, high = min(value_range), max(value_range)
    tensor = video[None].clamp(low, high)

    def grid(u: torch.Tensor) -> torch.Tensor:  # torchvision.utils.make_grid(u, nrow=8, normalize=True, value_range)
        u = u.clone()
        u.clamp_(min=low, max=high)
        u.sub_(low).div_(max(high - low, 1e-5))
        return u.squeeze(0)

    frames = [grid(u) for u in tensor.unbind(2)]
    stacked = torch.stack(frames, dim=1)
    if sample is not None:
        sample()  # the peak: video + clamped + clones + stacked
    del frames, tensor
    stacked = stacked.permute(1, 2, 3, 0)
    return (stacked * 255).type(torch.uint8)
