"""Headroom's upstream harness: LiveAvatar's own pipeline code (a prepared, git-ignored checkout) run with random
weights at the real sizes, measured with the probe's plumbing (headroom_probe.mem, headroom_probe.hostmem)."""
__version__ = "0.2.0"  # 0.2.0: --self-attention (levers.selfAttention, sdpaBackend)
PINNED_COMMIT = "9c2c38de1715e553127b42c82cb959f756b02595"
