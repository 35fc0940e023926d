"""probe.py's command line: one Plan (JSON), one rank per process (torchrun for several)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional

import torch

from . import __version__
from .comm import Comm, layout_for
from .mem import GIB, Emitter
from .runner import Probe

# torch.cuda.get_device_properties(0).total_memory of each catalog GPU, GiB (packages/estimator/src/gpu-catalog.ts)
USABLE_GIB = {
    "rtx-3090": 23.69, "rtx-4090": 23.65, "rtx-5090": 31.36, "rtx-a6000": 47.54, "l40s": 44.39,
    "a100-40gb": 39.39, "a100-80gb": 79.15, "h100-sxm": 79.18, "h100-pcie": 79.18, "h200": 139.8, "b200": 178.35,
}


def plan_cap_gib(plan: Dict[str, Any]) -> Optional[float]:
    hw = plan.get("hardware", {})
    if hw.get("gpu") == "custom" and hw.get("custom"):
        return float(hw["custom"]["vramGib"])
    return USABLE_GIB.get(hw.get("gpu", ""))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Headroom GPU probe: LiveAvatar's shapes, random weights, measured memory.")
    ap.add_argument("--plan", required=True, help="Plan JSON file (packages/estimator Plan schema)")
    ap.add_argument("--cap-gib", default=None,
                    help="cap this process to N GiB of device memory ('plan' = the plan's GPU; default: uncapped)")
    ap.add_argument("--cap-mode", choices=("device", "allocator"), default="device",
                    help="device: the cap includes the CUDA context, like a card whose total memory is the cap; "
                         "allocator: the cap bounds PyTorch's caching allocator only")
    ap.add_argument("--steps", type=int, default=None, help="denoising steps per block (default min(sampleSteps, 4))")
    ap.add_argument("--blocks", type=int, default=None, help="timed autoregressive blocks after the warm-up (default 2)")
    ap.add_argument("--clips", type=int, default=1,
                    help="clips in sequence, as upstream's num_clip (one GPU, offline decode): every clip's latents go "
                         "to the CPU, every clip is decoded and its frames kept on the host, then concatenated and "
                         "prepared for save_video (default 1)")
    ap.add_argument("--clip-blocks", type=int, default=None,
                    help="blocks denoised in each clip after the first (default: upstream's, (lat frames)//3)")
    ap.add_argument("--clip-steps", type=int, default=None, help="steps per block after the first clip (default --steps)")
    ap.add_argument("--out", default=None, help="write the result JSON here (multi-rank: .rankN inserted)")
    ap.add_argument("--device", choices=("cuda", "cpu"), default=None)
    ap.add_argument("--scale", choices=("full", "tiny"), default=None, help="full: LiveAvatar's sizes; tiny: CPU test sizes")
    ap.add_argument("--audio-seconds", type=float, default=None, help="audio length wav2vec2 encodes (default plan or 60)")
    ap.add_argument("--gpus", type=int, default=None,
                    help="spread WORLD_SIZE ranks over N GPUs: rank r runs on GPU r %% N; ranks >= N share a GPU and "
                         "talk over gloo (NCCL refuses two ranks on one GPU). Default: one GPU per rank")
    ap.add_argument("--quiet", action="store_true", help="print only the result event")
    return ap.parse_args(argv)


def rank_path(path: str, rank: int, world: int) -> str:
    if world <= 1:
        return path
    root, ext = os.path.splitext(path)
    return f"{root}.rank{rank}{ext or '.json'}"


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    with open(args.plan) as fh:
        plan = json.load(fh)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    layout = layout_for(world, args.gpus)
    want = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if want == "cuda":
        index = layout.device_index(local_rank)
        torch.cuda.set_device(index)
        device = torch.device("cuda", index)
    else:
        device = torch.device("cpu")
    scale = args.scale or ("full" if device.type == "cuda" else "tiny")
    em = Emitter(rank, quiet=args.quiet)
    comm = None
    if world > 1:
        comm = Comm(rank, layout, device)
        comm.init()
    cap_gib: Optional[float]
    if args.cap_gib in (None, "", "none"):
        cap_gib = None
    elif args.cap_gib == "plan":
        cap_gib = plan_cap_gib(plan)
    else:
        cap_gib = float(args.cap_gib)
    cap_bytes = int(cap_gib * GIB) if cap_gib is not None else None
    em.log("probe start", version=__version__, device=str(device), scale=scale, world=world, capGib=cap_gib,
           torch=torch.__version__, comm=comm.describe() if comm is not None else None)
    if device.type == "cuda":
        # Load the context, the library handles and (several ranks) NCCL's communicator before measuring what
        # lives outside the allocator, so a "device" cap leaves room for all of it.
        a = torch.randn(256, 256, device=device, dtype=torch.bfloat16)
        (a @ a).sum().item()
        torch.cuda.synchronize()
        del a
    if comm is not None:
        comm.warm_up()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    probe = Probe(plan, device=device, scale=scale, cap_bytes=cap_bytes, cap_mode=args.cap_mode, steps=args.steps,
                  blocks=args.blocks, rank=rank, world=world, emitter=em, audio_seconds=args.audio_seconds, comm=comm,
                  clips=args.clips, clip_blocks=args.clip_blocks, clip_steps=args.clip_steps)
    result = probe.run()
    result["probeVersion"] = __version__
    result["argv"] = sys.argv
    em.stream.write(json.dumps(result) + "\n")  # the "result" event
    em.stream.flush()
    if args.out:
        path = rank_path(args.out, rank, world)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as fh:
            json.dump(result, fh, indent=2)
    # A measured OOM is a successful measurement (exit 0 on one rank); an unexpected error exits 1.
    code = 1 if result["fits"] is None else 0
    if world > 1:
        import torch.distributed as dist

        if result["fits"] is not True:
            sys.stdout.flush()
            os._exit(3 if code == 0 else code)  # peers may be blocked in a collective: let torchrun end them
        dist.destroy_process_group()
    return code
