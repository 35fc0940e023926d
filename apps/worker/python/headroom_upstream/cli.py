"""python3 -m headroom_upstream [--cap-gib N] [--fp8 on|off] [--compile on|off] [--self-attention cudnn|sdpa]
[--offload-kv-cache] [--t5-cpu] [--quantize-on-cpu] ..."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import List, Optional

from . import upstream_dir


def _on_off(v: str) -> bool:
    if v.lower() in ("on", "true", "1", "yes"):
        return True
    if v.lower() in ("off", "false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"on|off, not {v!r}")


def _cap(v: str) -> Optional[float]:
    return None if v.lower() in ("none", "off", "") else float(v)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="headroom_upstream", description=__doc__)
    ap.add_argument("--upstream-dir", default=upstream_dir.default_dir(),
                    help="prepared LiveAvatar checkout (scripts/prepare-upstream.sh; default .upstream/LiveAvatar)")
    ap.add_argument("--any-commit", action="store_true", help="accept a checkout at another commit than the pinned one")
    ap.add_argument("--cap-gib", type=_cap, default=None, help="cap this process to N GiB of device memory")
    ap.add_argument("--cap-mode", choices=["device", "allocator"], default="device")
    ap.add_argument("--outside-gib", type=float, default=0.0,
                    help="reserve this much of the cap for bytes outside PyTorch's allocator from the start (upstream's "
                         "kernels grow to ~1.23 GiB after the cap is set; 0: only the context seen at start)")
    ap.add_argument("--fp8", type=_on_off, default=True, help="--fp8 of the single-GPU script (default on)")
    ap.add_argument("--compile", type=_on_off, default=True, help="ENABLE_COMPILE (default on, the scripts' value)")
    ap.add_argument("--self-attention", choices=["cudnn", "sdpa"], default="cudnn",
                    help="cudnn: upstream's own aten._scaled_dot_product_cudnn_attention (default, unchanged); sdpa: "
                         "torch's scaled_dot_product_attention at the same call (self_attention.py), to measure what "
                         "cuDNN attention buys")
    ap.add_argument("--offload-kv-cache", action="store_true")
    ap.add_argument("--t5-cpu", action="store_true")
    ap.add_argument("--quantize-on-cpu", action="store_true",
                    help="Headroom's loader patch: build and LoRA-merge the DiT on the CPU, quantize layer by layer "
                         "(needs --fp8 on; quantize_on_cpu.py)")
    ap.add_argument("--alloc-conf", default=None,
                    help="PYTORCH_CUDA_ALLOC_CONF for this run (e.g. expandable_segments:True): set before CUDA starts")
    ap.add_argument("--clips", type=int, default=2, help="num_clip (>= 2 runs the motion-context path)")
    ap.add_argument("--audio-seconds", type=float, default=60.0,
                    help="synthetic audio length wav2vec2 encodes (default 60, the probe's)")
    ap.add_argument("--steps", type=int, default=4, help="sample_steps")
    ap.add_argument("--size", default="704*384")
    ap.add_argument("--infer-frames", type=int, default=48)
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    ap.add_argument("--out", default=None, help="write the result JSON here too")
    ap.add_argument("--quiet", action="store_true", help="print only the result line")
    args = ap.parse_args(argv)
    if args.quantize_on_cpu and not args.fp8:
        ap.error("--quantize-on-cpu quantizes to fp8: it needs --fp8 on")
    return args


class Stopped(Exception):
    """SIGTERM (upstream_batch.py's timeout): the run ends as an error, and what it measured so far is still written."""


def _stop_on_sigterm(_signum, _frame):
    raise Stopped("stopped by SIGTERM (the batch's per-run timeout): phases and timings are those reached so far")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.alloc_conf:
        # read by PyTorch's caching allocator when CUDA first allocates: nothing has touched the device yet
        os.environ["PYTORCH_CUDA_ALLOC_CONF"] = args.alloc_conf
    from .harness import Harness  # torch and the probe's plumbing load after the arguments parse
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    result = Harness(args).run()
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(result, fh, indent=1, default=str)
    if result.get("fits") is None:
        return 2 if result.get("error", "").startswith("no upstream") else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
