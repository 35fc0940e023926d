"""The prepared upstream checkout (scripts/prepare-upstream.sh): where it is and which commit it holds."""
from __future__ import annotations

import os
import sys
from typing import Optional

from . import PINNED_COMMIT

REQUIRED = (
    "minimal_inference/s2v_streaming_interact.py",
    "liveavatar/models/wan/causal_s2v_pipeline.py",
    "liveavatar/models/wan/causal_model_s2v.py",
)


class UpstreamError(RuntimeError):
    """The upstream folder is missing, incomplete or at another commit."""


def default_dir() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
    return os.environ.get("HEADROOM_UPSTREAM_DIR") or os.path.join(repo, ".upstream", "LiveAvatar")


def check(upstream_dir: str, expected_commit: Optional[str] = PINNED_COMMIT) -> str:
    """Returns the commit recorded beside the checkout (<dir>/../COMMIT); raises UpstreamError otherwise."""
    if not os.path.isdir(upstream_dir):
        raise UpstreamError(f"no upstream checkout at {upstream_dir}: run scripts/prepare-upstream.sh")
    missing = [p for p in REQUIRED if not os.path.isfile(os.path.join(upstream_dir, p))]
    if missing:
        raise UpstreamError(f"upstream checkout at {upstream_dir} lacks {', '.join(missing)}")
    commit_file = os.path.join(os.path.dirname(os.path.abspath(upstream_dir)), "COMMIT")
    if not os.path.isfile(commit_file):
        raise UpstreamError(f"no {commit_file}: prepare the checkout with scripts/prepare-upstream.sh")
    with open(commit_file) as fh:
        commit = fh.read().strip()
    if expected_commit and commit != expected_commit:
        raise UpstreamError(f"upstream checkout is at {commit}, the harness is pinned to {expected_commit}")
    return commit


def put_on_path(upstream_dir: str) -> None:
    if upstream_dir not in sys.path:
        sys.path.insert(0, upstream_dir)
