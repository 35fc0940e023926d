#!/usr/bin/env python3
"""What a fresh pageable host tensor per copy costs, by size: the way upstream's --offload_kv_cache moves a step cache
out (`layer["k"].to("cpu")` allocates a new tensor every step). glibc serves blocks above its largest mmap threshold
(32 MiB on 64-bit) with fresh pages from the kernel each time; smaller ones come back from the heap. Each size runs in
its own process, so one size's heap state does not reach the next.

    python3 host_alloc_cliff.py [--reps 80] > data/measurements/host/alloc-cliff.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

# per-layer k (or v) tensor of LiveAvatar's KV cache: tokens x 40 heads x 128 x bf16
BYTES_PER_TOKEN = 40 * 128 * 2
TOKENS = [1152, 2800, 3200, 3300, 4608, 12672]


def measure(tokens: int, reps: int) -> dict:
    import torch

    n = tokens * BYTES_PER_TOKEN
    src = torch.ones(n, dtype=torch.uint8)
    for _ in range(5):
        t = torch.empty(n, dtype=torch.uint8)
        t.copy_(src)
        del t
    start = time.perf_counter()
    for _ in range(reps):
        t = torch.empty(n, dtype=torch.uint8)
        t.copy_(src)
        del t
    fresh = time.perf_counter() - start
    kept = torch.empty(n, dtype=torch.uint8)
    start = time.perf_counter()
    for _ in range(reps):
        kept.copy_(src)
    reused = time.perf_counter() - start
    return {"tokens": tokens, "bytes": n, "freshTensorBytesPerS": reps * n / fresh, "keptTensorBytesPerS": reps * n / reused}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=80)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.reps)))
        return 0
    rows = []
    for tokens in TOKENS:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(tokens), "--reps", str(args.reps)],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout))
    print(json.dumps({
        "what": "a fresh pageable host tensor per copy (as upstream's .to('cpu') of each KV tensor) against a kept one",
        "command": f"python3 apps/worker/python/host_alloc_cliff.py --reps {args.reps}",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.libc_ver()[0]} {platform.libc_ver()[1]}",
        "mmapThresholdMaxBytes": 32 * 1024 * 1024,
        "rows": rows,
    }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
