"""Phase boundaries and timings around upstream's own methods (patched in memory, never on disk).

load    from the start until WanS2V.generate() is entered (WanS2V(), LoRA wrap + merge, fp8 conversion)
encode  generate() until the offload transition after encode_prompt (wav2vec2, VAE encodes, T5)
denoise from that transition (the DiT back on the GPU, KV caches allocated) to the first VAE decode
decode  the first VAE decode to generate()'s return (every clip decoded and re-encoded)
Transitions (models moving off the GPU) happen before the next phase's counters are reset, as in the probe.
"""
from __future__ import annotations

import functools
import statistics
import time
from typing import Any, Callable, Dict, List, Optional

import torch

ORDER = ("load", "encode", "denoise", "decode")


class PhaseTracker:
    def __init__(self, mem, host, emitter):
        self.mem, self.host, self.emitter = mem, host, emitter
        self.current: Optional[str] = None
        self.started = 0.0
        self.phases: Dict[str, Dict[str, Any]] = {}

    def start(self, name: str) -> None:
        if self.current == name:
            return
        self.end()
        self.mem.reset_peak()
        self.host.start_phase()
        self.current, self.started = name, time.perf_counter()
        self.emitter.emit("phase", phase=name, state="start")

    def end(self) -> None:
        if self.current is None:
            return
        name = self.current
        peaks = self.mem.phase_peaks()
        peaks["seconds"] = round(time.perf_counter() - self.started, 4)
        host = self.host.end_phase(name)
        self.phases[name] = peaks
        self.emitter.emit("memory", phase=name, **peaks, hostRss=host["rssBytes"], hostPeakRss=host["peakRssBytes"])
        self.emitter.emit("phase", phase=name, state="end")
        self.current = None


class Timings:
    """What the patched methods measured (seconds, device-synchronized)."""

    def __init__(self):
        self.forwards: List[Dict[str, Any]] = []   # {"sink": bool, "seconds": s}
        self.steps: List[float] = []               # move-in + forward + move-out of one denoising step
        self.kv_moves: List[float] = []
        self.decode: List[float] = []              # per clip
        self.reencode: List[float] = []            # per clip
        self.vae_steps: List[Dict[str, Any]] = []  # per decode and re-encode: bytes allocated before it, its peak
        self.encode: Dict[str, List[float]] = {"audio": [], "vaeEncode": [], "prompt": []}
        self.gen_size = None
        self.video_shape = None

    def _median(self, xs):
        return statistics.median(xs) if xs else None

    def summary(self) -> Dict[str, Any]:
        denoise = [f["seconds"] for f in self.forwards if not f["sink"]]
        sink = [f["seconds"] for f in self.forwards if f["sink"]]
        med_d, med_s = self._median(denoise[1:] or denoise), self._median(sink[1:] or sink)
        # Compile (and recompile) time: what forwards took beyond their kind's median, where more than twice it.
        extra = 0.0
        for f in self.forwards:
            med = med_s if f["sink"] else med_d
            if med and f["seconds"] > 2 * med:
                extra += f["seconds"] - med
        steps_med = self._median(self.steps[1:] or self.steps)
        return {
            "secondsPerForward": med_d,
            "forwardSeconds": [round(s, 5) for s in denoise],
            "sinkForwardSeconds": [round(s, 5) for s in sink],
            "secondsPerSinkForward": med_s,
            "firstForwardSeconds": round(self.forwards[0]["seconds"], 4) if self.forwards else None,
            "compileSeconds": round(extra, 3) if self.forwards else None,
            "secondsPerStep": steps_med,
            "stepSeconds": [round(s, 5) for s in self.steps],
            "kvCopySeconds": self._median(self.kv_moves),
            "decodeSeconds": self._median(self.decode),
            "decodeSecondsPerClip": [round(t, 4) for t in self.decode],
            "reencodeSeconds": self._median(self.reencode),
            "reencodeSecondsPerClip": [round(t, 4) for t in self.reencode],
            "vaeSteps": self.vae_steps,
            "encodeSeconds": {k: [round(t, 4) for t in v] for k, v in self.encode.items()},
        }


def _sync(mem) -> None:
    mem.sync()


def timed(fn: Callable, mem, sink: Callable[[float, tuple, dict, Any], None]) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _sync(mem)
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        _sync(mem)
        sink(time.perf_counter() - t0, args, kwargs, out)
        return out
    return wrapper


class Instrument:
    """Installs the wrappers on upstream's classes; `undo()` restores them."""

    def __init__(self, tracker: PhaseTracker, timings: Timings, mem, emitter):
        self.tracker, self.t, self.mem, self.emitter = tracker, timings, mem, emitter
        self._undo: List[Callable[[], None]] = []
        self._encode_done = False
        self._step_start: Optional[float] = None
        self._last_sink = True

    def patch(self, owner: Any, name: str, new: Any) -> None:
        old = owner.__dict__[name] if isinstance(owner, type) and name in owner.__dict__ else getattr(owner, name)
        setattr(owner, name, new)
        self._undo.append(lambda: setattr(owner, name, old))

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()

    # ---- phase transitions -----------------------------------------------------------------------------------
    def _to_denoise(self) -> None:
        if self.tracker.current == "encode":
            self.tracker.start("denoise")

    def install(self, pipeline_cls, dit_cls, vae_cls) -> None:
        t, mem, tracker = self.t, self.mem, self.tracker

        gen = pipeline_cls.generate

        @functools.wraps(gen)
        def generate(this, *a, **k):
            tracker.start("encode")
            return gen(this, *a, **k)
        self.patch(pipeline_cls, "generate", generate)

        size_fn = pipeline_cls.get_gen_size

        @functools.wraps(size_fn)
        def get_gen_size(this, *a, **k):
            out = size_fn(this, *a, **k)
            t.gen_size = out
            return out
        self.patch(pipeline_cls, "get_gen_size", get_gen_size)

        self.patch(pipeline_cls, "encode_audio",
                   timed(pipeline_cls.encode_audio, mem, lambda s, *_: t.encode["audio"].append(s)))

        def prompt_done(s, *_):
            t.encode["prompt"].append(s)
            self._encode_done = True
        self.patch(pipeline_cls, "encode_prompt", timed(pipeline_cls.encode_prompt, mem, prompt_done))

        # The offload transition after the encodes ends with torch.cuda.empty_cache(): denoise starts after it.
        empty = torch.cuda.empty_cache

        def empty_cache(*a, **k):
            out = empty(*a, **k)
            if self._encode_done:
                self._to_denoise()
            return out
        self.patch(torch.cuda, "empty_cache", empty_cache)

        init_kv = pipeline_cls._initialize_kv_cache

        @functools.wraps(init_kv)
        def initialize_kv_cache(this, *a, **k):
            self._to_denoise()
            return init_kv(this, *a, **k)
        self.patch(pipeline_cls, "_initialize_kv_cache", initialize_kv_cache)

        move = pipeline_cls._move_kv_cache_to_working_gpu

        @functools.wraps(move)
        def move_kv(this, moved_id, gpu_id=0):
            mem.sync()
            t0 = time.perf_counter()
            out = move(this, moved_id, gpu_id)
            mem.sync()
            now = time.perf_counter()
            if getattr(this, "offload_kv_cache", False):
                t.kv_moves.append(now - t0)
            if gpu_id == 0:
                self._step_start = t0
            elif self._step_start is not None:
                if not self._last_sink:
                    t.steps.append(now - self._step_start)
                self._step_start = None
            return out
        self.patch(pipeline_cls, "_move_kv_cache_to_working_gpu", move_kv)

        fwd = dit_cls.forward

        @functools.wraps(fwd)
        def forward(this, *a, **k):
            self._to_denoise()
            sink = bool(k.get("sink_flag", False))
            mem.sync()
            t0 = time.perf_counter()
            out = fwd(this, *a, **k)
            mem.sync()
            s = time.perf_counter() - t0
            mem.sample()
            self._last_sink = sink
            t.forwards.append({"sink": sink, "seconds": s})
            self.emitter.emit("progress", phase="denoise", forward=len(t.forwards), of=None, sink=sink,
                              seconds=round(s, 4))
            return out
        self.patch(dit_cls, "forward", forward)

        dec = vae_cls.decode

        @functools.wraps(dec)
        def decode(this, *a, **k):
            if tracker.current in ("encode", "denoise"):
                tracker.start("decode")
            mem.sync()
            t0 = time.perf_counter()
            out, held = mem.measure_step(lambda: dec(this, *a, **k))
            mem.sample()
            t.decode.append(time.perf_counter() - t0)
            t.vae_steps.append({"step": "decode", "clip": len(t.decode), **held})
            self.emitter.log(f"clip {len(t.decode)} decoded", phase="decode", clip=len(t.decode),
                             seconds=round(t.decode[-1], 4))
            return out
        self.patch(vae_cls, "decode", decode)

        enc = vae_cls.encode

        @functools.wraps(enc)
        def encode(this, *a, **k):
            reencode = tracker.current == "decode"
            mem.sync()
            t0 = time.perf_counter()
            if reencode:  # the clip's frames go into the motion context, which is encoded again
                out, held = mem.measure_step(lambda: enc(this, *a, **k))
                t.vae_steps.append({"step": "reencode", "clip": len(t.decode), **held})
            else:
                out = enc(this, *a, **k)
                mem.sync()
            (t.reencode if reencode else t.encode["vaeEncode"]).append(time.perf_counter() - t0)
            mem.sample()
            return out
        self.patch(vae_cls, "encode", encode)
