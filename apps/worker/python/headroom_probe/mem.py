"""The probe's device: allocation, the memory cap, per-phase peaks, OOM classification.

On CUDA the real caching allocator does the work: the cap is torch.cuda.set_per_process_memory_fraction, peaks are
torch.cuda.max_memory_allocated / max_memory_reserved (reset between phases), and device-level use is
torch.cuda.mem_get_info (total - free, which includes the CUDA context, cuBLAS/cuDNN handles and NCCL buffers).

When another probe rank shares the GPU (TPP's VAE rank beside DiT rank 0 on a 4-GPU host), mem_get_info sees both
processes, so this process's device use is read from NVML's per-process figure (what nvidia-smi lists per process);
without NVML it falls back to the allocator's reservation alone (said in `deviceUsedSource`).

On CPU (tests, torch 1.13) there is no allocator to ask, so every tensor the probe places "on the device" goes
through Mem.alloc / Mem.to_device, which counts its bytes against the cap and raises an OOM shaped like CUDA's
("Tried to allocate X GiB") when the budget would be exceeded. Frees are seen through weakref finalizers.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
import weakref
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Tuple

import torch

GIB = 1024 ** 3
MIB = 1024 ** 2


class ProbeOOM(RuntimeError):
    """An emulated out-of-memory error (CPU budget)."""


def fmt_bytes(n: float) -> str:
    if n >= GIB:
        return f"{n / GIB:.2f} GiB"
    if n >= MIB:
        return f"{n / MIB:.2f} MiB"
    return f"{int(n)} bytes"


_UNITS = {"gib": GIB, "mib": MIB, "kib": 1024, "b": 1, "bytes": 1, "gb": GIB, "mb": MIB, "kb": 1024}


def parse_need_bytes(message: str) -> Optional[int]:
    """'Tried to allocate 2.50 GiB' -> bytes."""
    m = re.search(r"Tried to allocate ([0-9.]+) ?(GiB|MiB|KiB|GB|MB|KB|bytes|B)", message, re.IGNORECASE)
    if not m:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def is_oom(exc: BaseException) -> bool:
    if isinstance(exc, ProbeOOM):
        return True
    oom_cls = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_cls is not None and isinstance(exc, oom_cls):
        return True
    msg = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in msg or "cuda_error_out_of_memory" in msg)


class Emitter:
    """Line-delimited JSON on stdout; every event carries the rank."""

    def __init__(self, rank: int = 0, stream=None, quiet: bool = False):
        self.rank = rank
        self.stream = stream or sys.stdout
        self.quiet = quiet

    def emit(self, type_: str, **fields: Any) -> None:
        if self.quiet and type_ not in ("result",):
            return
        event = {"type": type_, "rank": self.rank, "t": round(time.time(), 3), **fields}
        self.stream.write(json.dumps(event, default=_json_default) + "\n")
        self.stream.flush()

    def log(self, message: str, **fields: Any) -> None:
        self.emit("log", message=message, **fields)


def _json_default(o: Any) -> Any:
    if isinstance(o, torch.dtype):
        return str(o)
    if isinstance(o, torch.device):
        return str(o)
    return str(o)


def _init_(t: torch.Tensor, init: str, std: float) -> torch.Tensor:
    if init == "normal":
        t.normal_(0.0, std)
    elif init == "zeros":
        t.zero_()
    elif init == "ones":
        t.fill_(1.0)
    elif init == "empty":
        pass
    else:
        raise ValueError(init)
    return t


_NVML_HANDLES: Dict[int, Any] = {}


def _nvml_handle(device: torch.device):
    """The NVML handle of a torch device, matched by PCI bus id (CUDA's and NVML's device orders can differ)."""
    import pynvml  # nvidia-ml-py

    index = device.index if device.index is not None else torch.cuda.current_device()
    if index not in _NVML_HANDLES:
        if not _NVML_HANDLES:
            pynvml.nvmlInit()
        props = torch.cuda.get_device_properties(index)
        domain, bus, dev = (getattr(props, k, None) for k in ("pci_domain_id", "pci_bus_id", "pci_device_id"))
        if isinstance(bus, int) and isinstance(dev, int):
            _NVML_HANDLES[index] = pynvml.nvmlDeviceGetHandleByPciBusId(f"{domain or 0:08X}:{bus:02X}:{dev:02X}.0")
        else:
            _NVML_HANDLES[index] = pynvml.nvmlDeviceGetHandleByIndex(index)
    return _NVML_HANDLES[index]


def nvml_process_used(device: torch.device) -> Optional[int]:
    """Device bytes NVML attributes to this process on `device` (context + allocations), or None."""
    try:
        import pynvml  # nvidia-ml-py

        handle = _nvml_handle(device)
        for proc in pynvml.nvmlDeviceGetComputeRunningProcesses(handle):
            if proc.pid == os.getpid() and proc.usedGpuMemory is not None:
                return int(proc.usedGpuMemory)
    except Exception:  # noqa: BLE001 - NVML missing, no permission, a virtualized pid: fall back
        return None
    return None


def allocator_budget(cap_bytes: int, context_bytes: int, cap_mode: str, outside_bytes: int = 0) -> int:
    """What PyTorch's allocator may reserve under a cap: in "device" mode the cap less what lives outside the
    allocator — the larger of the context now and outside_bytes, the run's expected total there."""
    if cap_mode != "device":
        return max(cap_bytes, 1)
    return max(cap_bytes - max(context_bytes, outside_bytes), 1)


class Mem:
    def __init__(self, device: torch.device, cap_bytes: Optional[int], emitter: Emitter, shared_device: bool = False):
        self.device = torch.device(device)
        self.is_cuda = self.device.type == "cuda"
        self.cap_bytes = cap_bytes
        self.emitter = emitter
        self.allocator_cap_bytes: Optional[int] = None
        self.baseline_overhead = 0
        # Another rank's process on the same GPU: read this process's use from NVML, not the device's.
        self.shared_device = shared_device and self.is_cuda
        self.device_used_source = (
            ("nvml-process" if nvml_process_used(self.device) is not None else "allocator-reserved-only")
            if self.shared_device else "mem_get_info" if self.is_cuda else "probe-counted")
        # Host data the probe places on the CPU on purpose (KV caches, decoded frames): live and peak bytes
        self.host_data_bytes = 0
        self.host_data_peak = 0
        # CPU bookkeeping
        self._tracked = 0
        self._peak = 0
        self._sampled_used_peak = 0
        # the phase's peaks from before a measured step reset the counters (measure_step)
        self._folded_allocated = 0
        self._folded_reserved = 0
        if self.is_cuda:
            self.total_memory = torch.cuda.get_device_properties(self.device).total_memory
        else:
            self.total_memory = cap_bytes if cap_bytes is not None else 0

    # ---- cap -------------------------------------------------------------------------------------------------
    def apply_cap(self, cap_mode: str = "device", outside_bytes: int = 0) -> None:
        """cap_mode "device": the cap is the whole card (context included), like a real smaller GPU whose
        total_memory is the cap; "allocator": the cap bounds the caching allocator only. outside_bytes: what the run
        will hold outside the allocator once its kernels load (cuDNN, compiled modules), reserved up front where it
        exceeds the context seen now — the allocator cannot see that growth, a real card of the cap's size would."""
        if self.is_cuda:
            self.baseline_overhead = self.non_allocator_bytes()
        if self.cap_bytes is None:
            return
        if not self.is_cuda:
            self.allocator_cap_bytes = self.cap_bytes
            return
        overhead = self.baseline_overhead
        budget = allocator_budget(self.cap_bytes, overhead, cap_mode, outside_bytes)
        fraction = min(1.0, budget / self.total_memory)
        torch.cuda.set_per_process_memory_fraction(fraction, self.device)
        self.allocator_cap_bytes = int(fraction * self.total_memory)
        self.emitter.log("memory cap applied", capBytes=self.cap_bytes, allocatorCapBytes=self.allocator_cap_bytes,
                         contextBytes=overhead, outsideBytes=outside_bytes, fraction=fraction, capMode=cap_mode)

    # ---- allocation ------------------------------------------------------------------------------------------
    def _charge(self, nbytes: int) -> None:
        if self.is_cuda:
            return
        if self.cap_bytes is not None and self._tracked + nbytes > self.cap_bytes:
            raise ProbeOOM(
                f"CUDA out of memory (emulated on CPU). Tried to allocate {fmt_bytes(nbytes)}. "
                f"Budget {fmt_bytes(self.cap_bytes)} of which {fmt_bytes(self._tracked)} is already allocated.")
        self._tracked += nbytes
        self._peak = max(self._peak, self._tracked)

    def _release(self, nbytes: int) -> None:
        self._tracked -= nbytes

    def track(self, t: torch.Tensor) -> torch.Tensor:
        """Count an existing tensor (CPU mode) until it is garbage collected."""
        if not self.is_cuda:
            nbytes = t.numel() * t.element_size()
            self._charge(nbytes)
            weakref.finalize(t, self._release, nbytes)
        return t

    def alloc(self, shape: Sequence[int], dtype: torch.dtype, init: str = "normal", std: float = 0.02,
              param: bool = False) -> torch.Tensor:
        shape = tuple(int(s) for s in shape)
        numel = 1
        for s in shape:
            numel *= s
        nbytes = numel * torch.empty((), dtype=dtype).element_size()
        self._charge(nbytes)
        try:
            if dtype.is_floating_point and torch.empty((), dtype=dtype).element_size() == 1:
                t = self._random_fp8(shape, dtype, std, init)
            else:
                t = _init_(torch.empty(shape, dtype=dtype, device=self.device), init, std)
        except BaseException:
            self._release(nbytes)
            raise
        if param:
            t = torch.nn.Parameter(t, requires_grad=False)
        if not self.is_cuda:
            weakref.finalize(t, self._release, nbytes)
        return t

    def _random_fp8(self, shape, dtype, std, init) -> torch.Tensor:
        t = torch.empty(shape, dtype=dtype, device=self.device)
        if init == "empty":
            return t
        flat = t.view(-1)
        chunk = 1 << 25  # 32 M elements: small bf16 transients
        for start in range(0, flat.numel(), chunk):
            end = min(flat.numel(), start + chunk)
            src = torch.empty(end - start, dtype=torch.bfloat16, device=self.device)
            _init_(src, init if init != "normal" else "normal", 1.0 if init == "normal" else std)
            flat[start:end] = src.to(dtype)
            del src
        return t

    def to_device(self, t: torch.Tensor) -> torch.Tensor:
        if self.is_cuda:
            return t.to(self.device)
        self._charge(t.numel() * t.element_size())
        out = t.clone()
        weakref.finalize(out, self._release, t.numel() * t.element_size())
        return out

    def to_host(self, t: torch.Tensor) -> torch.Tensor:
        return self.track_host(t.to("cpu") if self.is_cuda else t.clone())

    def host_zeros(self, shape: Sequence[int], dtype: torch.dtype) -> torch.Tensor:
        return self.track_host(torch.zeros(tuple(shape), dtype=dtype))

    def track_host(self, t: torch.Tensor) -> torch.Tensor:
        """Count a tensor the probe keeps in host RAM on purpose until it is garbage collected."""
        nbytes = t.numel() * t.element_size()
        self.host_data_bytes += nbytes
        self.host_data_peak = max(self.host_data_peak, self.host_data_bytes)
        weakref.finalize(t, self._host_release, nbytes)
        return t

    def _host_release(self, nbytes: int) -> None:
        self.host_data_bytes -= nbytes

    # ---- statistics ------------------------------------------------------------------------------------------
    def sync(self) -> None:
        if self.is_cuda:
            torch.cuda.synchronize(self.device)

    def empty_cache(self) -> None:
        if self.is_cuda:
            torch.cuda.empty_cache()

    def non_allocator_bytes(self) -> int:
        if not self.is_cuda:
            return 0
        return max(0, self.device_used() - torch.cuda.memory_reserved(self.device))

    def device_used(self) -> int:
        if not self.is_cuda:
            return self._tracked
        if self.shared_device:
            used = nvml_process_used(self.device) if self.device_used_source == "nvml-process" else None
            return used if used is not None else torch.cuda.memory_reserved(self.device)
        free, total = torch.cuda.mem_get_info(self.device)
        return total - free

    def allocated(self) -> int:
        return torch.cuda.memory_allocated(self.device) if self.is_cuda else self._tracked

    def reserved(self) -> int:
        return torch.cuda.memory_reserved(self.device) if self.is_cuda else self._tracked

    def reset_peak(self) -> None:
        if self.is_cuda:
            torch.cuda.reset_peak_memory_stats(self.device)
        self._peak = self._tracked
        self._folded_allocated = self._folded_reserved = 0
        self._sampled_used_peak = self.device_used()

    def measure_step(self, fn: Callable[[], Any]) -> Tuple[Any, Dict[str, int]]:
        """Runs one step of a phase (a VAE decode, a re-encode) and returns its result with what the step held: the
        bytes allocated before it and its own allocated peak. The phase's running peaks are folded in first, so
        phase_peaks() still covers the whole phase."""
        self.sync()
        if self.is_cuda:
            self._folded_allocated = max(self._folded_allocated, torch.cuda.max_memory_allocated(self.device))
            self._folded_reserved = max(self._folded_reserved, torch.cuda.max_memory_reserved(self.device))
            before = torch.cuda.memory_allocated(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
        else:
            self._folded_allocated = max(self._folded_allocated, self._peak)
            before = self._peak = self._tracked
        out = fn()
        self.sync()
        peak = torch.cuda.max_memory_allocated(self.device) if self.is_cuda else self._peak
        return out, {"allocatedBefore": before, "peakAllocated": peak}

    def sample(self) -> None:
        """Call at points that are likely peaks (after a forward, inside a decode)."""
        self._sampled_used_peak = max(self._sampled_used_peak, self.device_used())

    def phase_peaks(self) -> Dict[str, int]:
        if not self.is_cuda:
            peak = max(self._peak, self._folded_allocated)
            return {"allocated": peak, "reserved": peak, "deviceUsed": peak}
        self.sync()
        peak_alloc = max(torch.cuda.max_memory_allocated(self.device), self._folded_allocated)
        peak_res = max(torch.cuda.max_memory_reserved(self.device), self._folded_reserved)
        # Device use at the peak = the allocator's peak reservation + what lives outside it right now
        # (context, library workspaces, NCCL), never less than any sampled reading.
        outside = self.non_allocator_bytes()
        used = max(peak_res + outside, self._sampled_used_peak)
        return {"allocated": peak_alloc, "reserved": peak_res, "deviceUsed": used, "outsideAllocator": outside}


def measurement_fields(mem: Optional["Mem"], phases: Dict[str, Dict[str, int]]) -> Dict[str, Any]:
    """The memory part of a result, the same for the probe and the upstream harness: the cap, the bytes outside the
    allocator, the phases and the peaks over them."""
    peak = lambda key: max((ph.get(key, 0) for ph in phases.values()), default=0)  # noqa: E731
    return {
        "totalMemory": mem.total_memory if mem else None,
        "capBytes": mem.cap_bytes if mem else None,
        "allocatorCapBytes": mem.allocator_cap_bytes if mem else None,
        "contextBytes": mem.baseline_overhead if mem else None,
        "deviceUsedSource": mem.device_used_source if mem else None,
        "phases": phases,
        "peakAllocated": peak("allocated"),
        "peakReserved": peak("reserved"),
        "peakDeviceUsed": peak("deviceUsed"),
    }
