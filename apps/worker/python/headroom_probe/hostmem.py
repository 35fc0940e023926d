"""Host RAM of the probe's own process: resident set now (VmRSS), its peak (VmHWM) and pinned host memory.

/proc/self/status gives VmRSS and VmHWM; writing "5" to /proc/self/clear_refs resets VmHWM to the current RSS
(Linux >= 4.0), which gives per-phase peaks. Pinned memory is what CUDA's caching host allocator holds
(torch.cuda.host_memory_stats, torch >= 2.5); the probe itself pins nothing: like upstream's `.to("cpu")` its host
KV caches are pageable. Outside Linux every reading is None.
"""
from __future__ import annotations

from typing import Dict, Optional

import torch

_STATUS = "/proc/self/status"
_CLEAR_REFS = "/proc/self/clear_refs"


def _status_kib(key: str) -> Optional[int]:
    try:
        with open(_STATUS) as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def rss_bytes() -> Optional[int]:
    return _status_kib("VmRSS")


def peak_rss_bytes() -> Optional[int]:
    return _status_kib("VmHWM")


def reset_peak_rss() -> bool:
    """VmHWM := VmRSS. False where the kernel does not allow it (then peaks are since the process started)."""
    try:
        with open(_CLEAR_REFS, "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def pinned_host_bytes() -> Optional[Dict[str, int]]:
    """Pinned (page-locked) host bytes held by PyTorch's CUDA host allocator: now and at the peak."""
    stats_fn = getattr(torch.cuda, "host_memory_stats", None)
    if stats_fn is None or not torch.cuda.is_available():
        return None
    try:
        stats = stats_fn()
    except Exception:  # noqa: BLE001 - an old or CPU-only build
        return None
    return {"current": int(stats.get("allocated_bytes.current", stats.get("allocation.current", 0)) or 0),
            "peak": int(stats.get("allocated_bytes.peak", 0) or 0)}


class HostMeter:
    """Per-phase host readings for one process: resident at the phase's end and the peak inside it."""

    def __init__(self) -> None:
        self.start_rss = rss_bytes()
        self.start_peak = peak_rss_bytes()  # imports, CUDA and NCCL start-up
        self.can_reset = reset_peak_rss()
        self.phases: Dict[str, Dict[str, Optional[int]]] = {}

    def start_phase(self) -> None:
        if self.can_reset:
            self.can_reset = reset_peak_rss()

    def end_phase(self, name: str) -> Dict[str, Optional[int]]:
        reading = {"rssBytes": rss_bytes(), "peakRssBytes": peak_rss_bytes() if self.can_reset else None}
        self.phases[name] = reading
        return reading

    def result(self, data_bytes_peak: int, kv_cache_host_bytes: int) -> Dict[str, object]:
        readings = [p["peakRssBytes"] for p in self.phases.values()] + [self.start_peak, peak_rss_bytes()]
        known = [r for r in readings if r is not None]
        return {
            "peakRssBytes": max(known) if known else None,
            "startRssBytes": self.start_rss,
            "startPeakRssBytes": self.start_peak,
            "perPhasePeaks": self.can_reset,
            "phases": self.phases,
            # what the probe itself put on the host on purpose (KV caches, decoded frames), counted by the probe
            "probeDataBytesPeak": data_bytes_peak,
            "kvCacheHostBytes": kv_cache_host_bytes,
            "pinned": pinned_host_bytes(),
        }
