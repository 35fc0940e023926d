"""Headroom's shape-faithful GPU probe for LiveAvatar plans (see probe.py and README in data/measurements)."""

__version__ = "0.5.0"
