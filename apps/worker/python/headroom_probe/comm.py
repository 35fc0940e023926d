"""Process groups of one probe run, and how ranks map onto GPUs.

Normally every rank has a GPU of its own and one default group (NCCL on CUDA, gloo on the CPU) carries everything.

With more ranks than GPUs (`--gpus N` below WORLD_SIZE, e.g. TPP's 5 ranks on a 4-GPU host) rank r runs on GPU r % N,
so ranks >= N share a GPU with a lower rank. NCCL refuses two ranks on one GPU, so then the default group is gloo
and an NCCL subgroup joins the ranks 0..N-1 that own their GPU; a tensor to or from a sharing rank travels as a CPU
copy over gloo. A sharing rank therefore holds no NCCL buffers, and its latents take a host round trip.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import torch


@dataclass(frozen=True)
class Layout:
    world: int
    gpus: int  # devices the ranks are spread over

    @property
    def is_shared(self) -> bool:
        return self.world > self.gpus

    def device_index(self, rank: int) -> int:
        return rank % self.gpus if self.is_shared else rank

    def owns_device(self, rank: int) -> bool:
        """Rank r is the first rank on its device (it joins NCCL when devices are shared)."""
        return rank < self.gpus or not self.is_shared

    def shares_device(self, rank: int) -> bool:
        """Another rank runs on the same device."""
        if not self.is_shared:
            return False
        idx = self.device_index(rank)
        return sum(1 for r in range(self.world) if self.device_index(r) == idx) > 1

    def owner_ranks(self) -> List[int]:
        return [r for r in range(self.world) if self.owns_device(r)]


def layout_for(world: int, gpus: Optional[int]) -> Layout:
    if gpus is None or gpus <= 0 or gpus >= world:
        return Layout(world, world)
    return Layout(world, gpus)


class Comm:
    """send/recv and the FSDP group, whichever path a pair of ranks has."""

    def __init__(self, rank: int, layout: Layout, device: torch.device):
        self.rank = rank
        self.layout = layout
        self.device = device
        self.fast_group = None  # None = the default group
        self.fast_backend = None

    # ---- set-up ----------------------------------------------------------------------------------------------
    def init(self) -> None:
        import torch.distributed as dist

        cuda = self.device.type == "cuda"
        if not self.layout.is_shared:
            dist.init_process_group(backend="nccl" if cuda else "gloo")
            self.fast_backend = dist.get_backend()
            return
        dist.init_process_group(backend="gloo")
        # Every rank must call new_group, members or not; ranks outside it get NON_GROUP_MEMBER.
        self.fast_backend = "nccl" if cuda else "gloo"
        self.fast_group = dist.new_group(ranks=self.layout.owner_ranks(), backend=self.fast_backend)

    @property
    def in_fast_group(self) -> bool:
        return self.layout.owns_device(self.rank)

    @property
    def in_nccl(self) -> bool:
        return self.device.type == "cuda" and self.in_fast_group

    def fsdp_group(self):
        """FSDP's process group: the default one (upstream's process_group=None), or the device owners when shared."""
        return self.fast_group

    def warm_up(self) -> None:
        """Create the communicator (and NCCL's buffers) before the probe measures what lives outside the allocator."""
        import torch.distributed as dist

        if self.in_fast_group:
            a = torch.ones(256, 256, device=self.device)
            dist.all_reduce(a, group=self.fast_group)
            if self.device.type == "cuda":
                torch.cuda.synchronize(self.device)
        if self.layout.is_shared:
            dist.barrier()

    # ---- point to point --------------------------------------------------------------------------------------
    def _fast_pair(self, peer: int) -> bool:
        return self.layout.owns_device(self.rank) and self.layout.owns_device(peer)

    def send(self, tensor: torch.Tensor, dst: int) -> None:
        import torch.distributed as dist

        if self._fast_pair(dst):
            dist.send(tensor.contiguous(), dst, group=self.fast_group)
        else:
            dist.send(tensor.detach().to("cpu").contiguous(), dst)

    def recv(self, tensor: torch.Tensor, src: int) -> torch.Tensor:
        """Fills `tensor` (on the probe's device) from rank src; returns it."""
        import torch.distributed as dist

        if self._fast_pair(src):
            dist.recv(tensor, src, group=self.fast_group)
            return tensor
        host = torch.empty(tensor.shape, dtype=tensor.dtype)
        dist.recv(host, src)
        tensor.copy_(host)
        return tensor

    def barrier(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.barrier()

    def describe(self) -> Dict[str, Any]:
        return {
            "world": self.layout.world,
            "gpus": self.layout.gpus,
            "deviceIndex": self.layout.device_index(self.rank),
            "sharesDevice": self.layout.shares_device(self.rank),
            "fastBackend": self.fast_backend,
            "inNccl": self.in_nccl,
            "link": ("gloo CPU copies to and from ranks that share a device" if self.layout.is_shared else None),
        }
