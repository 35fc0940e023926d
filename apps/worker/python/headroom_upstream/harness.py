"""Runs upstream's single-GPU entry point (minimal_inference/s2v_streaming_interact.py generate()) with random weights.

The harness prepares inputs (a 720x400 PNG, a synthetic 16 kHz wav), builds the argv the single-GPU script passes
(infinite_inference_single_gpu.sh) with the chosen levers, installs shims and file-read patches, wraps upstream's
methods for phases and timings, and prints the probe's line-delimited JSON (phase, memory, progress, log, error,
result).
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import math
import os
import socket
import sys
import tempfile
import time
import traceback
import wave
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from headroom_probe.hostmem import HostMeter
from headroom_probe.mem import Emitter, Mem, is_oom, measurement_fields, parse_need_bytes

from . import PINNED_COMMIT, __version__, compile_fixes, quantize_on_cpu, self_attention, shims, upstream_dir, weights
from .phases import Instrument, PhaseTracker, Timings

SCRIPT = "minimal_inference/s2v_streaming_interact.py"
TRAINING_CONFIG = "liveavatar/configs/s2v_causal_sft.yaml"
# infinite_inference_single_gpu.sh's prompt
PROMPT = ("A stout, cheerful dwarf with a magnificent braided beard adorned with metal rings, wearing a heavy leather "
          "apron. He's standing in his fiery, cluttered forge, laughing heartily as he explains the mastery of his "
          "craft, holding up a glowing hammer. Style of Blizzard Entertainment cinematics (like World of Warcraft), "
          "warm, dynamic lighting from the forge.")
MOTION_FRAMES = 73
FRAMES_PER_BLOCK = 3
SAMPLE_FPS = 25


def write_png(path: str, width: int = 720, height: int = 400) -> None:
    """A random RGB PNG (zlib only: the CPU test machine has no PIL)."""
    import struct
    import zlib
    pixels = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                 + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def write_wav(path: str, seconds: float, rate: int = 16000) -> None:
    n = int(seconds * rate)
    tone = 0.3 * np.sin(2 * math.pi * 220.0 * np.arange(n) / rate) + 0.05 * np.random.default_rng(0).standard_normal(n)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(tone, -1, 1) * 32767).astype(np.int16).tobytes())


def script_argv(opts, image: str, audio: str, ckpt_dir: str, upstream: str) -> List[str]:
    """infinite_inference_single_gpu.sh's flags, with the harness's levers."""
    argv = ["s2v_streaming_interact.py", "--ulysses_size", "1", "--task", "s2v-14B", "--size", opts.size,
            "--base_seed", "420", "--training_config", os.path.join(upstream, TRAINING_CONFIG),
            "--offload_model", "True", "--convert_model_dtype", "--prompt", PROMPT, "--image", image, "--audio", audio,
            "--infer_frames", str(opts.infer_frames), "--load_lora", "--lora_path_dmd", "Quark-Vision/Live-Avatar",
            "--sample_steps", str(opts.steps), "--sample_guide_scale", "0", "--num_clip", str(opts.clips),
            "--num_gpus_dit", "1", "--sample_solver", "euler", "--single_gpu", "--ckpt_dir", ckpt_dir]
    if opts.fp8:
        argv.append("--fp8")
    if opts.offload_kv_cache:
        argv.append("--offload_kv_cache")
    if opts.t5_cpu:
        argv.append("--t5_cpu")
    return argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_script(upstream: str):
    spec = importlib.util.spec_from_file_location("s2v_streaming_interact", os.path.join(upstream, SCRIPT))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def geometry(gen_size, infer_frames: int, clips_run: int) -> Optional[Dict[str, Any]]:
    if gen_size is None:
        return None
    h, w = int(gen_size[0]), int(gen_size[1])
    lat_motion = (MOTION_FRAMES + 3) // 4
    lat_target = (infer_frames + 3 + MOTION_FRAMES) // 4 - lat_motion
    tokens = (h // 16) * (w // 16)
    return {"height": h, "width": w, "inferFrames": infer_frames, "latentFramesPerClip": lat_target,
            "latentMotionFrames": lat_motion, "tokensPerLatentFrame": tokens,
            "blocksPerClip": lat_target // FRAMES_PER_BLOCK, "tokensPerBlock": tokens * FRAMES_PER_BLOCK,
            "kvCacheTokens": lat_target * tokens, "clipsRun": clips_run}


def _is_oom(exc: BaseException) -> bool:
    """An out-of-memory, also where torch.compile or another wrapper re-raised it under its own type."""
    seen = 0
    while exc is not None and seen < 5:
        if is_oom(exc) or "out of memory" in str(exc).lower():
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class Harness:
    def __init__(self, opts, emitter: Optional[Emitter] = None):
        self.opts = opts
        self.emitter = emitter or Emitter(quiet=opts.quiet)
        self.notes: List[str] = []
        self.patch_events: List[str] = []
        self.load_steps: Dict[str, float] = {}

    def _notes_for_run(self, shim_notes: List[str], compile_on: bool) -> List[str]:
        o = self.opts
        notes = list(shim_notes)
        notes += [weights.NOTES[k] for k in ("dit", "t5", "tokenizer", "vae", "wav2vec2", "lora", "outputs")]
        notes += [
            "Inputs: a random 720x400 PNG (the scripts' example image size) and a synthetic 16 kHz wav of "
            f"{o.audio_seconds:g} s; num_clip {o.clips} (upstream caps it by the audio's clip count).",
            "Phases and timings: upstream's methods (WanS2V.generate/encode_audio/encode_prompt/_initialize_kv_cache/"
            "_move_kv_cache_to_working_gpu, CausalWanModel_S2V.forward, Wan2_1_VAE.encode/decode, torch.cuda.empty_cache) "
            "are wrapped in memory; every timed call is bracketed by torch.cuda.synchronize(), which removes overlap "
            "between consecutive kernels and host work (upstream never synchronizes there): seconds are at most "
            "slightly pessimistic.",
            "secondsPerStep = KV move-in + forward + KV move-out (the scheduler's elementwise step is not included); "
            "compileSeconds = what forwards took beyond twice their kind's median, summed (compile and recompiles).",
            f"ENABLE_COMPILE={'true' if compile_on else 'false'} (read by upstream's inference_utils at import); "
            "quant_fp8 is always torch.compile'd by upstream.",
        ]
        return notes

    def run(self) -> Dict[str, Any]:
        o = self.opts
        t_start = time.perf_counter()
        em = self.emitter
        upstream = os.path.abspath(o.upstream_dir)
        commit = None
        try:
            commit = upstream_dir.check(upstream, None if o.any_commit else PINNED_COMMIT)
        except upstream_dir.UpstreamError as e:
            em.emit("error", message=str(e), errorClass="not-installed")
            return self._result(None, {}, None, None, str(e), None, commit, [], t_start, None)

        compile_on = bool(o.compile)
        os.environ["ENABLE_COMPILE"] = "true" if compile_on else "false"
        for k, v in {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port()), "RANK": "0", "WORLD_SIZE": "1",
                     "LOCAL_RANK": "0"}.items():
            os.environ.setdefault(k, v)

        # an explicit index: set_per_process_memory_fraction refuses a bare "cuda" (upstream runs on cuda:0 too)
        device = torch.device("cuda", 0) if o.device == "cuda" else torch.device("cpu")
        self.device = device
        mem = Mem(device, int(o.cap_gib * 1024 ** 3) if o.cap_gib else None, em)
        mem.apply_cap(o.cap_mode, int(o.outside_gib * 1024 ** 3))
        # asked before the run, while the device is empty: the kernel torch SDPA picks decides what the sdpa run
        # measures (and is what the flash_attn shim's cross-attention runs in either mode)
        self.sdpa_backend = self_attention.sdpa_backend(device)
        host = HostMeter()
        tracker = PhaseTracker(mem, host, em)
        timings = Timings()
        shims.preimport_real_packages()
        shim_notes = shims.install_shims()
        notes = self._notes_for_run(shim_notes, compile_on)
        upstream_dir.put_on_path(upstream)
        work = tempfile.mkdtemp(prefix="headroom-upstream-")
        ckpt_dir = os.path.join(work, "ckpt") + os.sep
        image, audio = os.path.join(work, "ref.png"), os.path.join(work, "audio.wav")
        write_png(image)
        write_wav(audio, o.audio_seconds)
        em.log("upstream harness", commit=commit, upstream=upstream, compile=compile_on, shims=len(shim_notes))

        fits, oom_phase, need, oom_message, error = True, None, None, None, None
        self.error_traceback = None
        instrument = None
        tracker.start("load")
        try:
            with weights.random_checkpoints(ckpt_dir, self.patch_events):
                script = load_script(upstream)
                pipe = importlib.import_module("liveavatar.models.wan.causal_s2v_pipeline")
                dit_mod = importlib.import_module("liveavatar.models.wan.causal_model_s2v")
                vae_mod = importlib.import_module("liveavatar.models.wan.wan_2_2.modules.vae2_1")
                t5_mod = importlib.import_module("liveavatar.models.wan.wan_2_2.modules.t5")
                audio_mod = importlib.import_module("liveavatar.models.wan.wan_2_2.modules.s2v.audio_encoder")
                configs = importlib.import_module("liveavatar.models.wan.wan_2_2.configs")
                attention_mod = importlib.import_module(self_attention.MODULE)
                # upstream holds its own references now; later availability probes (transformers') see no package
                shims.hide_after_import(("librosa", "soundfile", "decord"))
                instrument = Instrument(tracker, timings, mem, em)
                self._patch_file_reads(instrument, script, pipe, dit_mod, t5_mod, audio_mod, configs)
                if o.quantize_on_cpu:
                    notes.append(quantize_on_cpu.NOTE)
                instrument.install(pipe.WanS2V, dit_mod.CausalWanModel_S2V, vae_mod.Wan2_1_VAE)
                patched = self_attention.apply(o.self_attention, attention_mod, instrument.patch)
                notes.extend(patched)
                if patched:
                    self.patch_events.append(f"{self_attention.TARGET} -> {o.self_attention}")
                if compile_fixes.apply(compile_on, attention_mod, instrument.patch):
                    notes.append(compile_fixes.NOTE)
                    self.patch_events.append(f"{compile_fixes.NAME} -> torch._dynamo.disable")
                argv = script_argv(o, image, audio, ckpt_dir, upstream)
                old_argv = sys.argv
                sys.argv = argv
                try:
                    args = script._parse_args()
                finally:
                    sys.argv = old_argv
                settings = script.training_config_parser(args.training_config)
                script.generate(args, settings)
            tracker.end()
        except BaseException as exc:  # noqa: BLE001 - an OOM or an upstream failure is a result
            phase = tracker.current
            if _is_oom(exc):
                fits, oom_phase, oom_message = False, phase, str(exc).split("\n")[0][:500]
                need = parse_need_bytes(str(exc))
                em.emit("error", message=oom_message, phase=phase, errorClass="out-of-memory", needBytes=need)
            else:
                fits, error = None, f"{type(exc).__name__}: {exc}"[:2000]
                self.error_traceback = traceback.format_exc()[-6000:]
                em.emit("error", message=error, phase=phase, errorClass="crashed", traceback=traceback.format_exc()[-4000:])
            try:
                tracker.end()
            except Exception:  # noqa: BLE001 - the device may be unusable after the failure
                pass
            if isinstance(exc, KeyboardInterrupt):
                raise
        finally:
            if instrument is not None:
                instrument.undo()
        if o.device == "cuda":
            try:
                import torch.distributed as dist
                if dist.is_initialized():
                    dist.destroy_process_group()
            except Exception:  # noqa: BLE001
                pass
        return self._result(fits, tracker.phases, oom_phase, need, error, oom_message, commit, notes, t_start, timings,
                            mem=mem, host=host, compile_on=compile_on)

    def _patch_file_reads(self, inst: Instrument, script, pipe, dit_mod, t5_mod, audio_mod, configs) -> None:
        """Replace only what reads files: the DiT's from_pretrained, the T5 tokenizer, wav2vec2's from_pretrained,
        the LoRA state dict (torch.load of T5/VAE checkpoints is caught by weights.random_checkpoints); and the
        video writers at the end."""
        dit_cls = dit_mod.CausalWanModel_S2V
        kwargs = weights.dit_kwargs(dit_cls, configs.WAN_CONFIGS["s2v-14B"].transformer)

        on_cpu = bool(self.opts.quantize_on_cpu)

        def from_pretrained(cls, path, torch_dtype=None, device_map=None, **_kw):
            device = torch.device(device_map) if device_map is not None and not on_cpu else torch.device("cpu")
            old = torch.get_default_dtype()
            try:
                if torch_dtype is not None:
                    try:
                        torch.set_default_dtype(torch_dtype)
                    except (TypeError, RuntimeError):  # torch < 2.1 takes no bf16 default: build, then cast
                        pass
                if on_cpu:
                    model, filled = quantize_on_cpu.build_on_cpu(lambda: cls(**kwargs))
                    self.patch_events.append(f"{cls.__name__}: fast init filled {filled} elements on the CPU")
                else:
                    with (device if hasattr(device, "__enter__") else contextlib.nullcontext()):
                        model = cls(**kwargs)
            finally:
                torch.set_default_dtype(old)
            self.patch_events.append(f"{cls.__name__}.from_pretrained({path})" + (" on the CPU" if on_cpu else ""))
            return model.to(device=device, dtype=torch_dtype) if torch_dtype is not None else model.to(device)
        inst.patch(dit_cls, "from_pretrained", classmethod(self._load_step("dit", from_pretrained)))
        t5_init = t5_mod.T5EncoderModel.__init__

        def t5_build(t5_self, *a, **k):
            fill = weights.TileFill()
            with weights.fast_random_init(fill):
                t5_init(t5_self, *a, **k)
            self.patch_events.append(f"T5EncoderModel: fast random init filled {fill.elements} elements")
        inst.patch(t5_mod.T5EncoderModel, "__init__", self._load_step("t5", t5_build))
        inst.patch(pipe.WanS2V, "add_lora_to_model", self._load_step("lora", pipe.WanS2V.add_lora_to_model))
        if self.opts.fp8:
            fp8_mod = importlib.import_module(quantize_on_cpu.FP8_MODULE)
            inst.patch(fp8_mod, "replace_linear_with_scaled_fp8",
                       self._load_step("fp8", fp8_mod.replace_linear_with_scaled_fp8))
            if on_cpu:
                owner = fp8_mod.FP8ScaleLinear
                inst.patch(owner, "from_linear", quantize_on_cpu.from_linear_on(self.device, owner.__dict__["from_linear"]))
                self.patch_events.append("FP8ScaleLinear.from_linear -> the Linear moved to the GPU first")
        inst.patch(t5_mod, "HuggingfaceTokenizer", weights.FakeT5Tokenizer)
        processor, model = weights.wav2vec2_classes()
        inst.patch(audio_mod, "Wav2Vec2Processor", processor)
        inst.patch(audio_mod, "Wav2Vec2ForCTC", model)
        inst.patch(pipe, "load_state_dict", weights.random_lora_state_dict)

        def save_video(tensor=None, **_kw):
            self.video_shape = list(tensor.shape) if tensor is not None else None
        inst.patch(script, "save_video", save_video)
        inst.patch(script, "merge_video_audio", lambda **_kw: None)

    def _load_step(self, key: str, fn):
        """fn, its seconds (device synchronized) added to loadSteps[key]: where the load phase's time goes."""
        def wrapper(*a, **k):
            sync = torch.cuda.synchronize if self.opts.device == "cuda" and torch.cuda.is_available() else (lambda: None)
            sync()
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                sync()
                self.load_steps[key] = round(self.load_steps.get(key, 0.0) + time.perf_counter() - t0, 3)
        return wrapper

    def _result(self, fits, phases, oom_phase, need, error, oom_message, commit, notes, t_start, timings,
                mem=None, host=None, compile_on=None) -> Dict[str, Any]:
        o = self.opts
        summary = timings.summary() if timings is not None else {}
        is_cuda = o.device == "cuda" and torch.cuda.is_available()
        clips_run = len(timings.decode) if timings is not None else 0
        result = {
            "type": "result",
            "instrument": {"kind": "upstream", "commit": commit or PINNED_COMMIT, "harness": __version__},
            "rank": 0, "world": 1, "role": "single",
            "device": o.device,
            "gpu": torch.cuda.get_device_name(0) if is_cuda else "cpu",
            "torchVersion": torch.__version__,
            "cudaVersion": torch.version.cuda,
            "capMode": o.cap_mode,
            "outsideReservedBytes": int(o.outside_gib * 1024 ** 3),
            **measurement_fields(mem, phases),
            "host": host.result(0, 0) if host else None,
            "fits": fits,
            "oomPhase": oom_phase,
            "needBytes": need,
            "oomMessage": oom_message,
            "error": error,
            **summary,
            "steps": o.steps,
            "clips": o.clips,
            "clipsRun": clips_run,
            "wallSeconds": round(time.perf_counter() - t_start, 3),
            "fp8": {"requested": bool(o.fp8), "applied": bool(o.fp8) and hasattr(torch, "_scaled_mm"),
                    "reason": "upstream's replace_linear_with_scaled_fp8 (guarded by hasattr(torch, '_scaled_mm'))"},
            "compile": compile_on,
            "levers": {"size": o.size, "inferFrames": o.infer_frames, "offloadModel": True, "convertModelDtype": True,
                       "offloadKvCache": bool(o.offload_kv_cache), "t5Cpu": bool(o.t5_cpu),
                       "quantizeOnCpu": bool(o.quantize_on_cpu), "sampleSteps": o.steps,
                       "sampleGuideScale": 0, "solver": "euler", "loadLora": True, "fp8": bool(o.fp8),
                       "enableCompile": compile_on, "numClip": o.clips, "selfAttention": o.self_attention,
                       "allocConf": os.environ.get("PYTORCH_CUDA_ALLOC_CONF")},
            "attention": self_attention.ATTENTION[o.self_attention],
            "sdpaBackend": getattr(self, "sdpa_backend", None),
            "geometry": geometry(timings.gen_size if timings else None, o.infer_frames, clips_run),
            "videoShape": getattr(self, "video_shape", None),
            "errorTraceback": getattr(self, "error_traceback", None),
            "audioSeconds": o.audio_seconds,
            "patchEvents": self.patch_events,
            "loadSteps": self.load_steps,
            "notes": notes,
        }
        self.emitter.emit("result", **{k: v for k, v in result.items() if k != "type"})
        return result
