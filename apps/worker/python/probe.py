#!/usr/bin/env python3
"""Headroom's GPU probe: `python probe.py --plan plan.json [--cap-gib 23.65] [--steps N] [--blocks N]
[--out result.json] [--device cuda|cpu] [--scale tiny]`; several ranks: `torchrun --nproc_per_node N probe.py ...`.

Prints line-delimited JSON events (phase, progress, memory, log, error, result) on stdout.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from headroom_probe.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
