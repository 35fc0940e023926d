#!/usr/bin/env bash
# Copies LiveAvatar's public source at the pinned commit into .upstream/LiveAvatar (git-ignored: upstream code is
# never committed here). The upstream harness (apps/worker/python/headroom_upstream) runs it with random weights.
# Usage: scripts/prepare-upstream.sh [MIRROR_GIT_DIR]   (or HEADROOM_UPSTREAM_MIRROR=...; HEADROOM_UPSTREAM_DIR=dest root)
set -euo pipefail

COMMIT="9c2c38de1715e553127b42c82cb959f756b02595"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MIRROR="${1:-${HEADROOM_UPSTREAM_MIRROR:-/work/.mirror/Alibaba-Quark+LiveAvatar/repo}}"
DEST_ROOT="${HEADROOM_UPSTREAM_DIR:-$ROOT/.upstream}"
DEST="$DEST_ROOT/LiveAvatar"

if [ ! -d "$MIRROR" ] || ! git --git-dir="$MIRROR" rev-parse --git-dir >/dev/null 2>&1; then
  echo "prepare-upstream: no git mirror of Alibaba-Quark/LiveAvatar at '$MIRROR'." >&2
  echo "  Clone one (git clone --bare https://github.com/Alibaba-Quark/LiveAvatar <dir>) and pass its path" >&2
  echo "  as the first argument or in HEADROOM_UPSTREAM_MIRROR." >&2
  exit 2
fi
if [ "$(git --git-dir="$MIRROR" cat-file -t "$COMMIT^{commit}" 2>/dev/null)" != "commit" ]; then
  echo "prepare-upstream: commit $COMMIT is not in the mirror at '$MIRROR' (fetch it first)." >&2
  exit 3
fi

rm -rf "$DEST"
mkdir -p "$DEST"
# Source and scripts only: the demo media stay in the mirror (some of its blobs are absent there, and the
# harness writes its own image and audio).
PATHS=$(git --git-dir="$MIRROR" ls-tree --name-only "$COMMIT" | grep -vx -e assets -e examples)
# shellcheck disable=SC2086
git --git-dir="$MIRROR" archive "$COMMIT" -- $PATHS 2> >(grep -v "^error: invalid object .* for '\(examples\|assets\)/" >&2) \
  | tar -x -C "$DEST"
echo "$COMMIT" > "$DEST_ROOT/COMMIT"
echo "prepare-upstream: $DEST at $COMMIT ($(du -sh "$DEST" | cut -f1))"
