"""Stand-ins for packages LiveAvatar imports that the GPU machine lacks, installed only where the real one is missing.

Each shim is registered in sys.modules and described by a note: what it replaces and what it may change in memory or
time. Only `flash_attn` (cross-attention), diffusers' `AdaLayerNorm` (audio injectors) and the Euler scheduler are on
the measured path; the others make imports succeed.
"""
from __future__ import annotations

import importlib.util
import math
import sys
import types
import wave
from enum import Enum
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def is_missing(name: str) -> bool:
    if name in sys.modules:
        return sys.modules[name] is None
    try:
        return importlib.util.find_spec(name) is None
    except (ImportError, ValueError):
        return True


def _module(name: str, **attrs) -> types.ModuleType:
    import importlib.machinery
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__headroom_shim__ = True
    # find_spec() on a module in sys.modules returns its __spec__ (transformers probes librosa, soundfile … this way);
    # there is no distribution metadata, so importlib.metadata.version() still says "not installed".
    mod.__spec__ = importlib.machinery.ModuleSpec(name, loader=None, is_package="." not in name or name.count(".") < 3)
    mod.__path__ = []  # a package, so submodules import
    return mod


# ---- diffusers -------------------------------------------------------------------------------------------------
class ConfigMixin:
    config_name = "config.json"

    def register_to_config(self, **kwargs):
        cfg = dict(getattr(self, "_internal_dict", {}) or {})
        cfg.update(kwargs)
        self._internal_dict = cfg

    @property
    def config(self):
        return FrozenDict(getattr(self, "_internal_dict", {}))


class FrozenDict(dict):
    """diffusers' config object: a dict with attribute access."""

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError as e:
            raise AttributeError(k) from e


def register_to_config(init: Callable) -> Callable:
    import functools
    import inspect

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        # like diffusers: the config is registered before the constructor body runs
        try:
            bound = inspect.signature(init).bind(self, *args, **kwargs)
            bound.apply_defaults()
            ConfigMixin.register_to_config(self, **{k: v for k, v in bound.arguments.items() if k not in ("self", "args", "kwargs")})
        except TypeError:
            pass
        init(self, *args, **kwargs)
    return wrapper


class ModelMixin(nn.Module):
    """from_pretrained builds the class from a config the harness supplies (HARNESS_CONFIGS) and leaves the
    constructor's random weights in place: no file is read."""
    harness_configs: Dict[str, dict] = {}

    @classmethod
    def from_pretrained(cls, path, torch_dtype=None, device_map=None, **_kw):
        cfg = ModelMixin.harness_configs.get(cls.__name__)
        if cfg is None:
            raise RuntimeError(f"headroom shim: no harness config for {cls.__name__}.from_pretrained({path!r})")
        device = torch.device(device_map) if device_map is not None else torch.device("cpu")
        old = torch.get_default_dtype()
        if torch_dtype is not None and torch_dtype.is_floating_point:
            torch.set_default_dtype(torch_dtype)
        try:
            with device_ctx(device):
                model = cls(**cfg)
        finally:
            torch.set_default_dtype(old)
        return model.to(device=device, dtype=torch_dtype) if torch_dtype is not None else model.to(device)

    def __getattr__(self, name):
        # diffusers' ModelMixin reads registered config values as attributes (causal_model_s2v.py reads
        # self.enable_motioner, which its constructor only registers)
        config = self.__dict__.get("_internal_dict")
        if config is not None and name in config and name not in self.__dict__:
            return config[name]
        return super().__getattr__(name)

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    @property
    def device(self):
        return next(self.parameters()).device


def device_ctx(device: torch.device):
    if hasattr(torch, "device") and hasattr(torch.device, "__enter__"):
        return device
    import contextlib
    return contextlib.nullcontext()


class AdaLayerNorm(nn.Module):
    """diffusers.models.normalization.AdaLayerNorm (0.3x), the branch upstream's audio injectors use."""

    def __init__(self, embedding_dim: int, num_embeddings: Optional[int] = None, output_dim: Optional[int] = None,
                 norm_elementwise_affine: bool = False, norm_eps: float = 1e-5, chunk_dim: int = 0):
        super().__init__()
        self.chunk_dim = chunk_dim
        output_dim = output_dim or embedding_dim * 2
        self.emb = nn.Embedding(num_embeddings, embedding_dim) if num_embeddings is not None else None
        self.silu = nn.SiLU()
        self.linear = nn.Linear(embedding_dim, output_dim)
        self.norm = nn.LayerNorm(output_dim // 2, norm_eps, norm_elementwise_affine)

    def forward(self, x, timestep=None, temb=None):
        if self.emb is not None:
            temb = self.emb(timestep)
        temb = self.linear(self.silu(temb))
        if self.chunk_dim == 1:
            shift, scale = temb.chunk(2, dim=1)
            shift = shift[:, None, :]
            scale = scale[:, None, :]
        else:
            scale, shift = temb.chunk(2, dim=0)
        return self.norm(x) * (1 + scale) + shift


class FlowMatchEulerDiscreteScheduler(ConfigMixin):
    """diffusers' FlowMatchEulerDiscreteScheduler, the default (static shift) path: set_timesteps and step."""
    order = 1

    def __init__(self, num_train_timesteps: int = 1000, shift: float = 1.0, **_kw):
        self.num_train_timesteps = num_train_timesteps
        self.shift = shift
        timesteps = np.linspace(1, num_train_timesteps, num_train_timesteps, dtype=np.float32)[::-1].copy()
        sigmas = torch.from_numpy(timesteps / num_train_timesteps)
        sigmas = shift * sigmas / (1 + (shift - 1) * sigmas)
        self.timesteps = sigmas * num_train_timesteps
        self.sigmas = sigmas
        self.sigma_min = float(sigmas[-1])
        self.sigma_max = float(sigmas[0])
        self._step_index = None
        self._begin_index = None

    def set_timesteps(self, num_inference_steps: int, device=None, **_kw):
        n = self.num_train_timesteps
        timesteps = np.linspace(self.sigma_max * n, self.sigma_min * n, num_inference_steps)
        sigmas = timesteps / n
        sigmas = self.shift * sigmas / (1 + (self.shift - 1) * sigmas)
        sigmas = torch.from_numpy(sigmas).to(dtype=torch.float32, device=device)
        self.timesteps = sigmas * n
        self.sigmas = torch.cat([sigmas, torch.zeros(1, device=sigmas.device)])
        self._step_index = None
        self._begin_index = None

    def _init_step_index(self, timestep):
        if self._begin_index is None:
            t = timestep.to(self.timesteps.device) if torch.is_tensor(timestep) else timestep
            idx = (self.timesteps == t).nonzero()
            self._step_index = int(idx[1 if len(idx) > 1 else 0]) if len(idx) else 0
        else:
            self._step_index = self._begin_index

    def step(self, model_output, timestep, sample, return_dict=True, generator=None, **_kw):
        if self._step_index is None:
            self._init_step_index(timestep)
        sample = sample.to(torch.float32)
        sigma = self.sigmas[self._step_index]
        sigma_next = self.sigmas[self._step_index + 1]
        prev = (sample + (sigma_next - sigma) * model_output).to(model_output.dtype)
        self._step_index += 1
        return (prev,) if not return_dict else types.SimpleNamespace(prev_sample=prev)


class KarrasDiffusionSchedulers(Enum):
    DDIMScheduler = 1
    DDPMScheduler = 2
    EulerDiscreteScheduler = 3


def _diffusers_modules() -> Dict[str, types.ModuleType]:
    class _Base:  # mixins upstream only inherits from
        pass

    class BaseOutput(dict):
        pass

    class SchedulerMixin:
        pass

    class SchedulerOutput(BaseOutput):
        pass

    def deprecate(*_a, **_k):
        return None

    def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
        return torch.randn(shape, generator=generator, device=device, dtype=dtype)

    class _Logging:
        @staticmethod
        def get_logger(name=None):
            import logging
            return logging.getLogger(name)

    utils = _module("diffusers.utils", BaseOutput=BaseOutput, deprecate=deprecate,
                    is_scipy_available=lambda: importlib.util.find_spec("scipy") is not None,
                    is_torch_version=lambda op, ver: True, logging=_Logging())
    mods = {
        "diffusers": _module("diffusers", ModelMixin=ModelMixin, ConfigMixin=ConfigMixin,
                             FlowMatchEulerDiscreteScheduler=FlowMatchEulerDiscreteScheduler, __version__="0.0-headroom-shim"),
        "diffusers.configuration_utils": _module("diffusers.configuration_utils", ConfigMixin=ConfigMixin,
                                                 register_to_config=register_to_config),
        "diffusers.models": _module("diffusers.models", ModelMixin=ModelMixin),
        "diffusers.models.modeling_utils": _module("diffusers.models.modeling_utils", ModelMixin=ModelMixin),
        "diffusers.models.attention": _module("diffusers.models.attention", AdaLayerNorm=AdaLayerNorm),
        "diffusers.models.normalization": _module("diffusers.models.normalization", AdaLayerNorm=AdaLayerNorm),
        "diffusers.loaders": _module("diffusers.loaders", FromOriginalModelMixin=type("FromOriginalModelMixin", (_Base,), {}),
                                     PeftAdapterMixin=type("PeftAdapterMixin", (_Base,), {})),
        "diffusers.utils": utils,
        "diffusers.utils.torch_utils": _module("diffusers.utils.torch_utils", randn_tensor=randn_tensor),
        "diffusers.schedulers": _module("diffusers.schedulers"),
        "diffusers.schedulers.scheduling_utils": _module(
            "diffusers.schedulers.scheduling_utils", KarrasDiffusionSchedulers=KarrasDiffusionSchedulers,
            SchedulerMixin=SchedulerMixin, SchedulerOutput=SchedulerOutput),
    }
    return mods


# ---- flash_attn ------------------------------------------------------------------------------------------------
def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch's SDPA ([B, H, L, D]); softmax(QK^T)V where torch < 2.0 lacks it (the CPU tests), with SDPA's mask
    semantics: a bool mask keeps True, a float mask is added, is_causal is the top-left lower triangle."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, dropout_p=dropout_p, is_causal=is_causal,
                                              **({"scale": scale} if scale is not None else {}))
    w = (q @ k.transpose(-2, -1)) * (scale if scale is not None else q.shape[-1] ** -0.5)
    if is_causal:
        w = w.masked_fill(~torch.ones(w.shape[-2], w.shape[-1], dtype=torch.bool, device=w.device).tril(), float("-inf"))
    if attn_mask is not None:
        w = w.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else w + attn_mask
    return w.softmax(-1) @ v


def flash_attn_varlen_func(q, k, v, cu_seqlens_q, cu_seqlens_k, max_seqlen_q, max_seqlen_k, dropout_p=0.0,
                           softmax_scale=None, causal=False, window_size=(-1, -1), deterministic=False, **_kw):
    """flash-attn 2's varlen attention as SDPA over padded sequences: q [total_q, H, D], k/v [total_k, Hk, D]."""
    qs = cu_seqlens_q.tolist()
    ks = cu_seqlens_k.tolist()
    b = len(qs) - 1
    h, d = q.shape[1], q.shape[2]
    if k.shape[1] != h:  # grouped heads
        k = k.repeat_interleave(h // k.shape[1], dim=1)
        v = v.repeat_interleave(h // v.shape[1], dim=1)
    if b == 1:
        out = sdpa(q.unsqueeze(0).transpose(1, 2), k.unsqueeze(0).transpose(1, 2), v.unsqueeze(0).transpose(1, 2),
                    dropout_p=dropout_p, is_causal=causal, scale=softmax_scale)
        return out.transpose(1, 2).squeeze(0)
    lq, lk = int(max_seqlen_q), int(max_seqlen_k)
    qp = q.new_zeros(b, lq, h, d)
    kp = k.new_zeros(b, lk, h, d)
    vp = v.new_zeros(b, lk, h, v.shape[-1])
    mask = torch.zeros(b, 1, lq, lk, dtype=torch.bool, device=q.device)
    for i in range(b):
        nq, nk = qs[i + 1] - qs[i], ks[i + 1] - ks[i]
        qp[i, :nq] = q[qs[i]:qs[i + 1]]
        kp[i, :nk] = k[ks[i]:ks[i + 1]]
        vp[i, :nk] = v[ks[i]:ks[i + 1]]
        mask[i, :, :, :nk] = True
    out = sdpa(qp.transpose(1, 2), kp.transpose(1, 2), vp.transpose(1, 2), attn_mask=mask, dropout_p=dropout_p,
                scale=softmax_scale)
    out = out.transpose(1, 2)
    return torch.cat([out[i, :qs[i + 1] - qs[i]] for i in range(b)])


# ---- audio -----------------------------------------------------------------------------------------------------
def read_wav(path: str, sr: Optional[int] = 16000):
    """librosa.load / soundfile.read for the harness's own PCM wav: mono float32, linear resampling."""
    with wave.open(path, "rb") as w:
        rate, n, ch, width = w.getframerate(), w.getnframes(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(n)
    dtype = {1: np.int8, 2: np.int16, 4: np.int32}[width]
    data = np.frombuffer(raw, dtype=dtype).astype(np.float32) / float(np.iinfo(dtype).max)
    if ch > 1:
        data = data.reshape(-1, ch).mean(axis=1)
    if sr is not None and sr != rate:
        m = int(round(len(data) * sr / rate))
        data = np.interp(np.linspace(0, len(data) - 1, m), np.arange(len(data)), data).astype(np.float32)
        rate = sr
    return data, rate


class _EasyDict(dict):
    def __init__(self, d=None, **kw):
        super().__init__()
        for k, v in dict(d or {}, **kw).items():
            setattr(self, k, v)

    def __setattr__(self, k, v):
        if isinstance(v, dict) and not isinstance(v, _EasyDict):
            v = _EasyDict(v)
        super().__setattr__(k, v)
        super().__setitem__(k, v)

    __setitem__ = __setattr__

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError as e:
            raise AttributeError(k) from e


def _stub_factories() -> Dict[str, Callable[[], Dict[str, types.ModuleType]]]:
    def decord():
        class VideoReader:  # upstream reads pose videos and previous videos with it; the harness passes neither
            def __init__(self, *_a, **_k):
                raise RuntimeError("headroom shim: decord.VideoReader is not available")
        return {"decord": _module("decord", VideoReader=VideoReader, cpu=lambda *_a: None)}

    def librosa():
        return {"librosa": _module("librosa", load=lambda path, sr=22050, **_k: read_wav(path, sr))}

    def soundfile():
        def read(path, *_a, **_k):
            return read_wav(path, None)
        return {"soundfile": _module("soundfile", read=read, write=lambda *_a, **_k: None)}

    def easydict():
        return {"easydict": _module("easydict", EasyDict=_EasyDict)}

    def omegaconf():
        class OmegaConf:
            @staticmethod
            def load(path):
                import yaml
                with open(path) as fh:
                    return _EasyDict(yaml.safe_load(fh))

            @staticmethod
            def create(d=None):
                return _EasyDict(d or {})

            @staticmethod
            def to_container(c, **_k):
                return dict(c)
        return {"omegaconf": _module("omegaconf", OmegaConf=OmegaConf, DictConfig=_EasyDict)}

    def ftfy():
        return {"ftfy": _module("ftfy", fix_text=lambda s, **_k: s)}

    def flash_attn():
        return {"flash_attn": _module("flash_attn", flash_attn_varlen_func=flash_attn_varlen_func, __version__="2-headroom-shim")}

    def dashscope():
        return {"dashscope": _module("dashscope")}

    return {"diffusers": _diffusers_modules, "decord": decord, "librosa": librosa, "soundfile": soundfile,
            "easydict": easydict, "omegaconf": omegaconf, "ftfy": ftfy, "flash_attn": flash_attn, "dashscope": dashscope}


SHIM_NOTES = {
    "diffusers": "diffusers (shim): ModelMixin.from_pretrained builds the class from the harness's config with the "
                 "constructor's random weights on the target device in the target dtype (no checkpoint read: no host "
                 "staging of the 30 GiB state dict, so load time and host RAM are lower than upstream's); ConfigMixin/"
                 "register_to_config keep kwargs (and, as diffusers' ModelMixin, answer config values as attributes); FlowMatchEulerDiscreteScheduler re-implements set_timesteps/step "
                 "(static shift; an fp32 elementwise update per step: negligible); AdaLayerNorm re-implements the "
                 "chunk_dim=1 branch used by the audio injectors (same ops and shapes as diffusers 0.3x); "
                 "other names (BaseOutput, schedulers' mixins, loaders' mixins, utils) are import-only.",
    "flash_attn": "flash_attn (shim): flash_attn_varlen_func is SDPA; one sequence (the single-GPU path) runs unpadded, "
                  "several are padded to max_seqlen with a key mask. Cross-attention and the audio injectors' "
                  "attention use it: SDPA's kernel choice (flash/efficient/math) can differ in time and workspace from "
                  "flash-attn 2's varlen kernel.",
    "librosa": "librosa (shim): load() reads the harness's 16 kHz PCM wav with the wave module (no resampling needed; "
               "linear interpolation otherwise): CPU-only, off the GPU path.",
    "soundfile": "soundfile (shim): read() via the wave module; import-only on this path.",
    "decord": "decord (shim): VideoReader raises; the harness passes no pose video or previous video (upstream's single-"
              "GPU script neither).",
    "easydict": "easydict (shim): a dict with attribute access, used by the configs; no effect on memory or time.",
    "omegaconf": "omegaconf (shim): OmegaConf.load via yaml; import-only on this path.",
    "ftfy": "ftfy (shim): fix_text is the identity; the tokenizer is replaced anyway (see the T5 tokenizer note).",
    "flash_attn_interface": "",
    "dashscope": "dashscope (shim): an empty module so prompt_extend imports; prompt extension is off in the script.",
}


# transformers decides at import time whether librosa, soundfile, decord … exist (audio_utils imports soxr when it
# believes librosa does): import those modules before any shim is in sys.modules, so they see the real machine.
PREIMPORT = ("transformers.audio_utils", "transformers.processing_utils", "transformers.modeling_layers",
             "transformers.video_utils", "transformers.models.wav2vec2.modeling_wav2vec2",
             "transformers.models.wav2vec2.feature_extraction_wav2vec2")


def preimport_real_packages() -> List[str]:
    """Import PREIMPORT where it exists; returns the modules imported (none where transformers is missing)."""
    done = []
    for name in PREIMPORT:
        try:
            importlib.import_module(name)
            done.append(name)
        except ImportError:
            pass
    return done


def install_shims(names: Optional[List[str]] = None) -> List[str]:
    """Install each stand-in whose real package is missing; returns the notes of those installed."""
    factories = _stub_factories()
    notes: List[str] = []
    for name in names or list(factories):
        if not is_missing(name):
            continue
        for mod_name, mod in factories[name]().items():
            sys.modules[mod_name] = mod
        for mod_name in list(sys.modules):
            parent, _, child = mod_name.rpartition(".")
            if parent.startswith(name) and parent in sys.modules and getattr(sys.modules[mod_name], "__headroom_shim__", False):
                setattr(sys.modules[parent], child, sys.modules[mod_name])
        notes.append(SHIM_NOTES[name])
    return notes


def hide_after_import(names) -> List[str]:
    """Drop the named shims from sys.modules once upstream has imported them (its modules keep their references),
    so a later importlib.util.find_spec() says "not installed" again. Real packages are left alone."""
    hidden = []
    for name in names:
        mod = sys.modules.get(name)
        if mod is not None and getattr(mod, "__headroom_shim__", False):
            del sys.modules[name]
            hidden.append(name)
    return hidden
