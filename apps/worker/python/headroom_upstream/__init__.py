"""Headroom's upstream harness: LiveAvatar's own pipeline code (a prepared, git-ignored checkout) run with random
weights at the real sizes, measured with the probe's plumbing (headroom_probe.mem, headroom_probe.hostmem)."""
__version__ = "0.5.0"  # 0.5.0: --quantize-on-cpu (Headroom's loader patch on upstream's code); 0.4.0: vaeSteps (each decode and re-encode: allocated before it, its own peak); 0.3.0: compile_fixes (flash_attention outside dynamo on Python >= 3.12), SIGTERM -> partial result; 0.2.0: --self-attention
PINNED_COMMIT = "9c2c38de1715e553127b42c82cb959f756b02595"
