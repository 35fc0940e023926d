"""The probe's phases for one rank: load -> encode -> denoise -> decode, in LiveAvatar's order.

Single GPU (causal_s2v_pipeline.py generate()):
  load     VAE on the GPU; DiT via from_pretrained(device_map=cuda) [+ LoRA merge, + fp8 conversion].
  encode   wav2vec2 to the GPU as bf16, whole-audio features, back to the CPU; VAE encodes the 73 motion frames;
           T5 to the GPU (unless --t5_cpu), prompt + negative prompt, back to the CPU if offload_model.
  denoise  offload_model: VAE/T5/wav2vec leave the GPU; four step caches (shared cond cache unless
           --offload_kv_cache); prefill (sink) forward per step cache; blocks x steps forwards.
  decode   offline: kv_cache1 = None (the shared cond cache stays referenced), VAE back, 31 latent frames decoded
           one at a time to 121 fp32 frames. Online decode (clip 0): the DiT leaves the GPU (offload_model), the KV
           caches stay, the VAE decodes.
TPP (causal_s2v_pipeline_tpp.py): ranks < num_gpus_dit run step `rank` of each block on one cache (cond 3000) and
send [16,3,H/8,W/8] bf16 latents on; the VAE rank stream-decodes each block.
FSDP (--dit_fsdp, any world size > 1): FULL_SHARD units per block or for the whole model; every rank runs the
same forwards on its own cache.
"""
from __future__ import annotations

import contextlib
import gc
import os
import statistics
import time
import traceback
from dataclasses import asdict
from typing import Any, Dict, List, Optional

import torch

from . import __version__, shapes
from .dit import DiT, build_dit, build_dit_fsdp
from .encoders import T5Encoder, Wav2Vec2
from .frames import FRAME_COPIES_AT_PEAK, generate_concat, kept_frames, save_video_preprocess
from .hostmem import HostMeter, rss_bytes
from .layers import BF16, FP8_EVENTS, HAS_SDPA, Factory, fp8_support, rope_freq_dtype
from .mem import Emitter, Mem, is_oom, measurement_fields, parse_need_bytes
from .vae import WanVAE

PHASES = ("load", "encode", "denoise", "decode")


class PhaseOOM(Exception):
    def __init__(self, phase: str, original: BaseException):
        super().__init__(str(original))
        self.phase = phase
        self.original = original


class Probe:
    def __init__(self, plan: Dict[str, Any], *, device: torch.device, scale: str, cap_bytes: Optional[int],
                 cap_mode: str, steps: Optional[int], blocks: Optional[int], rank: int, world: int,
                 emitter: Emitter, audio_seconds: Optional[float] = None, comm=None, clips: int = 1,
                 clip_blocks: Optional[int] = None, clip_steps: Optional[int] = None):
        self.host = HostMeter()
        self.comm = comm
        self.plan = plan
        self.params = plan["params"]
        self.parallel = plan["parallel"]
        self.hardware = plan.get("hardware", {})
        self.device = device
        self.dims = shapes.dims_for(scale)
        self.scale = scale
        self.rank, self.world = rank, world
        self.em = emitter
        shared = bool(comm is not None and comm.layout.shares_device(rank))
        self.mem = Mem(device, cap_bytes, emitter, shared_device=shared)
        self.cap_mode = cap_mode
        self.role = self._role()
        self.geo = shapes.geometry(self.params["size"], int(self.params["inferFrames"]), self.dims,
                                   self.params.get("imageSize"), "single" if self.role == "single" else "tpp")
        self.steps = steps if steps is not None else max(1, min(int(self.params["sampleSteps"]), 4))
        self.blocks = blocks if blocks is not None else 2
        # --clips N: N clips in sequence as upstream runs them (single GPU, offline decode). Clip 0 runs the warm-up
        # and `blocks` timed blocks; each later clip runs clip_blocks x clip_steps forwards (default: upstream's
        # blocks per clip x steps). Every clip's latents go to the CPU and every clip is decoded and kept on the host.
        self.clips = max(1, int(clips))
        self.clip_blocks = clip_blocks if clip_blocks is not None else self.geo.blocks_per_clip
        self.clip_steps = clip_steps if clip_steps is not None else self.steps
        self.decode_times: List[float] = []
        # per VAE decode and re-encode: the bytes allocated before it and its own peak (Mem.measure_step)
        self.vae_steps: List[Dict[str, Any]] = []
        self.reencode_times: List[float] = []
        self.frames_info: Dict[str, Any] = {}
        audio = audio_seconds if audio_seconds is not None else self.params.get("audioSeconds") or 60.0
        self.audio_seconds = float(audio) if scale == "full" else 2.0
        self.phases: Dict[str, Dict[str, int]] = {}
        self.notes: List[str] = []
        self.forward_times: List[float] = []
        self.step_times: List[float] = []
        self.kv_copy_times: List[float] = []
        self.decode_seconds: Optional[float] = None
        self.current_phase: Optional[str] = None
        # Kept on the GPU from the encode to the end of generate() (causal_s2v_pipeline(_tpp).py)
        self.audio_emb: Optional[torch.Tensor] = None
        self.videos_last_frames: Optional[torch.Tensor] = None
        self.motion_latents: Optional[torch.Tensor] = None
        self.fp8_ok, self.fp8_reason = fp8_support(device)
        self.dit_info: Dict[str, Any] = {}
        self.fsdp = bool(self.parallel.get("ditFsdp")) and world > 1
        if self.fsdp and self.params.get("fp8"):
            self.notes.append("fp8 under FSDP is not emulated (upstream converts after wrapping); the DiT runs bf16")
        if self.params.get("fp8") and not self.fp8_ok:
            self.notes.append(f"fp8 requested but unavailable ({self.fp8_reason}); the DiT runs bf16")
        raw_lat = (int(self.params["inferFrames"]) + 3 + shapes.MOTION_FRAMES) // 4 - shapes.LAT_MOTION_FRAMES
        if raw_lat < shapes.FRAMES_PER_BLOCK:
            self.notes.append(f"infer_frames {self.params['inferFrames']} gives {raw_lat} latent frames per clip upstream: "
                              f"no {shapes.FRAMES_PER_BLOCK}-frame block to denoise (num_blocks = 0)")
        needed_cond = self.geo.cond_used_tokens
        if scale == "full" and needed_cond > self._cond_cache_tokens():
            self.notes.append(f"the reference+motion tokens (~2.5 Tf = {needed_cond}) exceed the cond cache "
                              f"({self._cond_cache_tokens()}); the probe writes the first {self._cond_cache_tokens()}")

    # ---- roles -----------------------------------------------------------------------------------------------
    def _role(self) -> str:
        if self.world == 1 or self.parallel["mode"] == "single" and not self.parallel.get("ditFsdp"):
            return "single" if self.rank == 0 else "idle"
        if self.parallel.get("ditFsdp"):
            return "fsdp"
        dit_ranks = min(int(self.parallel.get("numGpusDit", 4)), self.world)
        if self.rank < dit_ranks:
            return "dit"
        if self.rank == dit_ranks and self.parallel.get("enableVaeParallel"):
            return "vae"
        return "idle"

    def _cond_cache_tokens(self) -> int:
        return self.dims.cond_tokens_single if self.role == "single" else self.dims.cond_tokens_tpp

    # ---- phases ----------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def phase(self, name: str):
        self.current_phase = name
        self.mem.reset_peak()
        self.host.start_phase()
        self.em.emit("phase", phase=name, state="start")
        t0 = time.perf_counter()
        try:
            yield
        except BaseException as exc:  # noqa: BLE001
            if is_oom(exc):
                self._close_phase(name, t0)
                raise PhaseOOM(name, exc) from exc
            raise
        self._close_phase(name, t0)

    def _close_phase(self, name: str, t0: float) -> None:
        self.mem.sync()
        peaks = self.mem.phase_peaks()
        peaks["seconds"] = round(time.perf_counter() - t0, 4)
        self.phases[name] = peaks
        host = self.host.end_phase(name)
        self.em.emit("memory", phase=name, **peaks, hostRss=host["rssBytes"], hostPeakRss=host["peakRssBytes"])
        self.em.emit("phase", phase=name, state="end")

    def _free(self, where: str) -> None:
        """torch.cuda.empty_cache() where upstream calls it (named in the run log), and nowhere else: between two
        calls the caching allocator keeps what was freed, as upstream's does, and nvidia-smi shows it."""
        gc.collect()
        self.mem.empty_cache()
        self.em.log("empty_cache", where=where)

    # ---- helpers ---------------------------------------------------------------------------------------------
    def _factory(self) -> Factory:
        return Factory(self.mem)

    def _build_dit(self):
        if self.fsdp:
            self.dit_info = {"fp8Requested": bool(self.params.get("fp8")), "fp8Applied": False,
                             "fsdpWrap": self.parallel.get("fsdpWrap", "block"), "loraOnGpu": False}
            if self.params.get("loadLora"):
                self.notes.append("LoRA merge under FSDP is not emulated")
            group = self.comm.fsdp_group() if self.comm is not None else None
            return build_dit_fsdp(self.mem, self.dims, self.parallel.get("fsdpWrap", "block"), self.device, group)
        model, info = build_dit(self.mem, self.dims, fp8=bool(self.params.get("fp8")), fp8_ok=self.fp8_ok,
                                quantize_on_cpu=bool(self.params.get("quantizeOnCpu")),
                                load_lora=bool(self.params.get("loadLora")))
        self.dit_info = info
        return model

    def _context(self) -> torch.Tensor:
        """Text embedding output [1, 512, dim] (text_embedding of the T5 context, zero-padded to text_len)."""
        return self.mem.track(torch.randn(1, self.dims.text_len, self.dims.dim, device=self.device, dtype=BF16))

    def _encode(self, vae: Optional[WanVAE], keep_t5: bool) -> Optional[T5Encoder]:
        d = self.dims
        f = self._factory()
        # wav2vec2: AudioEncoder.model.to(device, bf16), features of the whole audio, then back to the CPU
        w2v = Wav2Vec2(f, d)
        samples = int(self.audio_seconds * d.w2v_sample_rate)
        audio = torch.randn(1, samples, device=self.device) * 0.1
        hidden = w2v(audio)
        feats = torch.stack(hidden, dim=1)  # [1, 25, T, 1024] at wav2vec's 50 Hz
        self.mem.sample()
        # get_audio_embed_bucket_fps: one row per video frame, padded to whole clips; .to(device, bf16), kept to the end
        frames = shapes.audio_emb_frames(self.audio_seconds, int(self.params["inferFrames"])) if self.scale == "full" \
            else feats.shape[2]
        idx = torch.linspace(0, feats.shape[2] - 1, frames, device=self.device).long()
        self.audio_emb = feats[:, :, idx].permute(0, 1, 3, 2).contiguous().to(BF16)
        self.mem.sample()
        # audio_encoder.model.to("cpu"), no empty_cache: wav2vec2's blocks stay cached through the VAE encode and T5
        del w2v, hidden, audio, feats, idx
        # VAE encodes the reference and the motion context: one GPU repeats the 5-frame reference to 365 frames,
        # TPP one frame to 73; the pixel frames stay as videos_last_frames, their latents as motion_latents.
        if vae is not None:
            ref = torch.randn(1, 3, 1, self.geo.height, self.geo.width, device=self.device, dtype=BF16)
            ref_repeat = shapes.REF_REPEAT_SINGLE if self.role == "single" else 1
            ref = ref.repeat(1, 1, ref_repeat, 1, 1)
            ref_lat = vae.encode(ref)
            self.videos_last_frames = ref.repeat(1, 1, shapes.MOTION_FRAMES, 1, 1)
            self.motion_latents = vae.encode(self.videos_last_frames).to(BF16)
            self.mem.sample()
            del ref, ref_lat
        t5 = None
        if not self.params.get("t5Cpu"):
            t5 = T5Encoder(f, d)
            ids = torch.randint(0, d.t5_vocab, (1, d.text_len), device=self.device)
            for _ in range(2):  # prompt and negative prompt (n_prompt "" -> sample_neg_prompt)
                ctx = t5(ids)
                self.mem.sample()
                del ctx
            if not keep_t5:
                del t5
                t5 = None
        else:
            self.notes.append("t5Cpu: T5 runs on the host; only its [512, 4096] context reaches the GPU")
        return t5

    def _new_cache(self, window: int, cond: int, host: bool, shared_cond: Optional[List[Dict[str, torch.Tensor]]]):
        d = self.dims
        layers = []
        for i in range(d.layers):
            if host:
                k = self.mem.host_zeros((1, window, d.heads, d.head_dim), BF16)
                v = self.mem.host_zeros((1, window, d.heads, d.head_dim), BF16)
                ck = self.mem.host_zeros((1, cond, d.heads, d.head_dim), BF16)
                cv = self.mem.host_zeros((1, cond, d.heads, d.head_dim), BF16)
                layers.append({"k": k, "v": v, "cond_k": ck, "cond_v": cv})
                continue
            k = self.mem.alloc((1, window, d.heads, d.head_dim), BF16, init="zeros")
            v = self.mem.alloc((1, window, d.heads, d.head_dim), BF16, init="zeros")
            if shared_cond is not None:
                layers.append({"k": k, "v": v, "cond_k": shared_cond[i]["cond_k"], "cond_v": shared_cond[i]["cond_v"]})
            else:
                layers.append({"k": k, "v": v,
                               "cond_k": self.mem.alloc((1, cond, d.heads, d.head_dim), BF16, init="zeros"),
                               "cond_v": self.mem.alloc((1, cond, d.heads, d.head_dim), BF16, init="zeros")})
        return layers

    def _move(self, cache, to_device: bool):
        """_move_kv_cache_to_working_gpu: every layer's k, v, cond_k, cond_v with .to(device) / .to('cpu')."""
        t0 = time.perf_counter()
        moved = []
        for layer in cache:
            moved.append({key: (self.mem.to_device(t) if to_device else self.mem.to_host(t)) for key, t in layer.items()})
        cache.clear()
        cache.extend(moved)
        self.mem.sync()
        self.kv_copy_times.append(time.perf_counter() - t0)
        self.mem.sample()

    def _latents(self) -> torch.Tensor:
        g = self.geo
        return torch.randn(16, shapes.FRAMES_PER_BLOCK, g.lat_h, g.lat_w, device=self.device, dtype=BF16)

    def _forward(self, dit, cache, context, block_index: int, timed: bool, latents: torch.Tensor,
                 sink: bool = False) -> Optional[torch.Tensor]:
        g = self.geo
        if g.window_tokens < g.block_tokens:
            raise ValueError(f"the KV window ({g.window_tokens} tokens, infer_frames {g.infer_frames}) is smaller than "
                             f"one {shapes.FRAMES_PER_BLOCK}-frame block ({g.block_tokens} tokens): upstream denoises "
                             f"nothing here; use infer_frames >= 12")
        window = g.window_tokens
        L = g.block_tokens
        # steady state of the rolling window: current_start >= cache size, active = the whole window
        current_start = (g.blocks_per_clip + block_index) * L
        pos = current_start % window if window >= L else 0
        if pos + L > window:
            pos = 0
        active = window
        cond_end = min(g.cond_used_tokens, self._cond_cache_tokens())
        self.mem.sync()
        t0 = time.perf_counter()
        with torch.no_grad():
            out = dit(latents, cache, context, pos, active, cond_end, g.tokens_per_frame, sink)
        self.mem.sync()
        dt = time.perf_counter() - t0
        self.mem.sample()
        if timed:
            self.forward_times.append(dt)
        return out

    def _decode(self, vae: WanVAE, online: bool) -> None:
        g = self.geo
        z = torch.randn(1, 16, g.decode_latent_frames, g.lat_h, g.lat_w, device=self.device, dtype=torch.float32)
        t0 = time.perf_counter()
        image, held = self.mem.measure_step(lambda: torch.stack([vae.decode(z, sample=self.mem.sample)[0]]))  # torch.stack(self.vae.decode(...))
        self.vae_steps.append({"step": "decode", "clip": len(self.decode_times) + 1, **held})
        image = image[:, :, -g.infer_frames:]
        self.mem.sample()
        self.mem.sync()
        t1 = time.perf_counter()
        if online and self.videos_last_frames is not None:  # r == 0 and enable_online_decode: re-encode the context
            self._reencode(vae, image)
        t2 = time.perf_counter()
        host = self.mem.track_host(image.cpu())
        self.mem.sync()
        self.decode_seconds = time.perf_counter() - t0 - (t2 - t1)
        if online:
            self.decode_times.append(self.decode_seconds)
            self.reencode_times.append(t2 - t1)
        del image, host, z

    def _reencode(self, vae: WanVAE, image: torch.Tensor) -> None:
        """The newest frames replace the oldest in videos_last_frames; the whole context is encoded again."""
        vlf = self.videos_last_frames
        overlap = min(shapes.MOTION_FRAMES, image.shape[2])
        self.videos_last_frames = None
        # bf16 context and fp32 frames: torch.cat promotes to fp32 (365 frames), then .to(dtype=motion_latents.dtype)
        vlf = torch.cat([vlf[:, :, overlap:], image[:, :, -overlap:]], dim=2)
        vlf = vlf.to(BF16)
        self.motion_latents = None
        mu, held = self.mem.measure_step(lambda: vae.encode(vlf))
        self.vae_steps.append({"step": "reencode", "clip": len(self.decode_times) + 1, **held})
        self.motion_latents = mu.to(BF16)
        del mu
        self.videos_last_frames = vlf
        self.mem.sample()
        self.mem.sync()

    # ---- modes -----------------------------------------------------------------------------------------------
    def _load_and_encode(self, keep_t5: bool):
        """Both pipelines' first two phases: VAE and DiT built on the device, then the encoders' pass."""
        with self.phase("load"):
            vae = WanVAE(self._factory(), self.dims.vae_dim, self.dims.z_dim)
            dit = self._build_dit()
            # upstream empties no cache after the build (only fsdp.py's shard_model does): the bf16 weights fp8
            # replaced stay cached into the encode
            if self.fsdp:
                self._free("fsdp.py shard_model")
        with self.phase("encode"):
            t5 = self._encode(vae, keep_t5=keep_t5)
            context = self._context()
        return vae, dit, t5, context

    def run_single(self) -> None:
        p = self.params
        offload_model = bool(p.get("offloadModel"))
        offload_kv = bool(p.get("offloadKvCache"))
        online = bool(p.get("enableOnlineDecode"))
        vae, dit, t5, context = self._load_and_encode(keep_t5=not offload_model)
        # Moves between phases happen before the next phase's peak counter is reset.
        if offload_model:  # noise_model to GPU; vae, text_encoder, audio_encoder to CPU; empty_cache
            vae = None
            t5 = None
            self._free("offload_model: noise_model to the GPU, encoders to the CPU")
        with self.phase("denoise"):
            g = self.geo
            shared = None
            if not offload_kv:
                shared = [{"cond_k": self.mem.alloc((1, self.dims.cond_tokens_single, self.dims.heads,
                                                     self.dims.head_dim), BF16, init="zeros"),
                           "cond_v": self.mem.alloc((1, self.dims.cond_tokens_single, self.dims.heads,
                                                     self.dims.head_dim), BF16, init="zeros")}
                          for _ in range(self.dims.layers)]
            caches = [self._new_cache(g.window_tokens, self.dims.cond_tokens_single, offload_kv, shared)
                      for _ in range(shapes.STEP_CACHES_SINGLE)]
            self.mem.sample()
            # 2.2.0 prefill cond caching, one sink forward per step cache
            for c in caches:
                if offload_kv:
                    self._move(c, True)
                self._forward(dit, c, context, 0, False, self._latents(), sink=True)
                if offload_kv:
                    self._move(c, False)
            c = None  # the loop variable must not keep a step cache alive into the decode
            clip_outputs = self._rollout(dit, caches, context, offload_kv)
        if online:
            # r == 0 and enable_online_decode: noise_model.cpu(), vae to the GPU; KV caches stay
            if offload_model:
                dit = None
                self._free("online decode: noise_model to the CPU")
        else:
            # offload_model: kv_cache1 = None (shared_cond_cache still referenced), VAE to the GPU
            if offload_model:
                caches = None
                self._free("offload_model: KV caches dropped, VAE to the GPU")
        with self.phase("decode"):
            if vae is None:
                vae = WanVAE(self._factory(), self.dims.vae_dim, self.dims.z_dim)
            if online:
                self._decode(vae, online)
            else:
                self._decode_clips(vae, clip_outputs)
            clip_outputs = None
            self._free("after the decode")

    def _rollout(self, dit, caches, context, offload_kv: bool) -> List[torch.Tensor]:
        """The rollout loop of generate(): per clip, blocks x steps forwards written into clip_output [16, lat, h, w]
        (bf16, on the GPU), then clip_outputs.append(clip_output.detach().cpu()). The prefill ran once (r == 0)."""
        g = self.geo
        clip_outputs: List[torch.Tensor] = []
        total = 1 + self.blocks * self.steps + (self.clips - 1) * self.clip_blocks * self.clip_steps
        n = 0
        for r in range(self.clips):
            clip_output = torch.zeros(16, g.lat_target_frames, g.lat_h, g.lat_w, device=self.device, dtype=BF16)
            # clip 0: one warm-up block of one step, then `blocks` timed blocks; later clips: clip_blocks x clip_steps
            plan = [(b, 1 if b == 0 else self.steps) for b in range(self.blocks + 1)] if r == 0 else \
                [(b + 1, self.clip_steps) for b in range(self.clip_blocks)]
            for b, steps in plan:
                latents = self._latents()
                for i in range(steps):
                    t0 = time.perf_counter()
                    c = caches[i % shapes.STEP_CACHES_SINGLE]
                    if offload_kv:
                        self._move(c, True)
                    timed = r == 0 and b > 0
                    pred = self._forward(dit, c, context, b, timed, latents)
                    if offload_kv:
                        self._move(c, False)
                    latents = (latents.float() - 0.25 * pred.float()).to(BF16)  # euler step
                    del pred
                    self.mem.sync()
                    if timed:
                        self.step_times.append(time.perf_counter() - t0)
                    n += 1
                    # block 0 of clip 0 is the one-step warm-up; the web names block/step, not only forward n of total
                    self.em.emit("progress", phase="denoise", clip=r, clips=self.clips, forward=n, of=total,
                                 block=b, blocks=self.blocks if r == 0 else self.clip_blocks, step=i + 1, steps=steps,
                                 seconds=round(self.forward_times[-1], 5) if timed and self.forward_times else None)
                start = ((b - 1) % g.blocks_per_clip) * shapes.FRAMES_PER_BLOCK if b > 0 else 0
                end = min(start + shapes.FRAMES_PER_BLOCK, g.lat_target_frames)
                clip_output[:, start:end] = latents[:, :end - start]
                del latents
            clip_outputs.append(self.mem.track_host(clip_output.detach().cpu()))
            del clip_output
        return clip_outputs

    def _decode_clips(self, vae: WanVAE, clip_outputs: List[torch.Tensor]) -> None:
        """Step 3 of generate() (offline decode) and save_video's preprocessing, on the host (frames.py)."""
        g = self.geo
        infer = g.infer_frames
        # motion_latents (92 latent frames) and videos_last_frames (365 frames, bf16) came from the encode phase
        if self.motion_latents is None or self.videos_last_frames is None:
            raise RuntimeError("the decode needs the motion context the encode phase keeps (no VAE at encode?)")
        out: List[torch.Tensor] = []
        rss_per_clip: List[Optional[int]] = []
        for clip_idx, clip_output_cpu in enumerate(clip_outputs):
            t0 = time.perf_counter()
            clip_output = clip_output_cpu.to(device=self.device, dtype=BF16)
            decode_latents = torch.cat([self.motion_latents, clip_output.unsqueeze(0)], dim=2)
            image, held = self.mem.measure_step(lambda: torch.stack([vae.decode(decode_latents, sample=self.mem.sample)[0]]))
            self.vae_steps.append({"step": "decode", "clip": clip_idx + 1, **held})
            image = image[:, :, -infer:]
            if clip_idx == 0:
                image = image[:, :, 3:]
            self.mem.sample()
            self.mem.sync()
            t1 = time.perf_counter()
            self._reencode(vae, image)
            t2 = time.perf_counter()
            out.append(self.mem.track_host(image.cpu()))
            self.mem.sync()
            rss_per_clip.append(rss_bytes())
            self.decode_times.append(time.perf_counter() - t2 + (t1 - t0))
            self.reencode_times.append(t2 - t1)
            # image, decode_latents and clip_output are only rebound by the next clip, as in generate(): the previous
            # clip's whole fp32 decode (image is a view of it) is on the GPU through the next decode
            self.em.emit("progress", phase="decode", clip=clip_idx, of=len(clip_outputs))
        image = decode_latents = clip_output = None
        self.decode_seconds = statistics.median(self.decode_times) if self.decode_times else None
        t0 = time.perf_counter()
        videos = self.mem.track_host(generate_concat(out))  # generate(): torch.cat(out, dim=2), `out` alive
        host_after_cat = rss_bytes()
        del out  # generate returns videos[0]
        video = videos[0]
        save_peak: Dict[str, Optional[int]] = {"rss": None}

        def sample_save_peak() -> None:  # inside save_video's stack: video + clamped + clones + stacked
            save_peak["rss"] = rss_bytes()

        u8 = save_video_preprocess(video, sample=sample_save_peak)
        self.frames_info = {
            "rssAtSavePeakBytes": save_peak["rss"],
            "clips": len(clip_outputs), "frames": videos.shape[2], "expectedFrames": kept_frames(len(clip_outputs), infer),
            "dtype": str(videos.dtype), "shape": list(videos.shape), "framesBytes": videos.numel() * videos.element_size(),
            "copiesAtPeak": FRAME_COPIES_AT_PEAK, "uint8Bytes": u8.numel() * u8.element_size(),
            "rssAfterConcatBytes": host_after_cat, "rssAfterClipBytes": rss_per_clip, "saveSeconds": round(time.perf_counter() - t0, 4),
            "latentBytesPerClip": clip_outputs[0].numel() * clip_outputs[0].element_size() if clip_outputs else 0,
        }
        del video, videos, u8

    def run_tpp_or_fsdp(self) -> None:
        p = self.params
        comm = self.comm
        offload_model = bool(p.get("offloadModel"))
        role = self.role
        dit_ranks = min(int(self.parallel.get("numGpusDit", 4)), self.world)
        vae_rank = dit_ranks if self.parallel.get("enableVaeParallel") else None
        vae, dit, t5, context = self._load_and_encode(keep_t5=not offload_model)
        g = self.geo
        shape = (16, shapes.FRAMES_PER_BLOCK, g.lat_h, g.lat_w)
        with self.phase("denoise"):
            if role in ("dit", "fsdp"):
                cache = self._new_cache(g.window_tokens, self.dims.cond_tokens_tpp, False, None)
                self._forward(dit, cache, context, 0, False, self._latents(), sink=True)
                steps = self.steps if role == "fsdp" else 1
                n = 0
                for b in range(self.blocks + 1):
                    if role == "dit" and self.rank > 0:
                        latents = comm.recv(torch.empty(shape, device=self.device, dtype=BF16), self.rank - 1)
                    else:
                        latents = self._latents()
                    for i in range(steps):
                        t0 = time.perf_counter()
                        pred = self._forward(dit, cache, context, b, b > 0, latents)
                        latents = (latents.float() - 0.25 * pred.float()).to(BF16)
                        del pred
                        if b > 0:
                            self.step_times.append(time.perf_counter() - t0)
                        n += 1
                        self.em.emit("progress", phase="denoise", forward=n, of=(self.blocks + 1) * steps,
                                     block=b, blocks=self.blocks, step=i + 1, steps=steps)
                    if role == "dit":
                        nxt = self.rank + 1
                        if nxt < dit_ranks or (vae_rank is not None and nxt == vae_rank):
                            comm.send(latents, nxt)
                cache = None
        if role == "vae" and offload_model:  # the VAE rank moves its (unused) DiT to the CPU
            dit = None
        self._free("before the decode")  # FSDP ranks: the cache is dropped before their decode
        with self.phase("decode"):
            if role == "vae":
                t0 = time.perf_counter()
                first = True
                for b in range(self.blocks + 1):
                    latents = comm.recv(torch.empty(shape, device=self.device, dtype=BF16), dit_ranks - 1)
                    if first:
                        motion = torch.randn(1, 16, 7, g.lat_h, g.lat_w, device=self.device, dtype=BF16)
                        vae.stream_decode(motion, sample=self.mem.sample)
                        first = False
                    image = torch.stack([vae.stream_decode(latents.unsqueeze(0), sample=self.mem.sample)[0]])
                    host = self.mem.track_host(image.cpu())
                    del image, host
                self.mem.sync()
                self.decode_seconds = time.perf_counter() - t0
            elif role == "fsdp":
                self._decode(vae, False)
        comm.barrier()

    # ---- result ----------------------------------------------------------------------------------------------
    def run(self) -> Dict[str, Any]:
        t_start = time.perf_counter()
        fits, oom_phase, need, oom_message, error = True, None, None, None, None
        self.mem.apply_cap(self.cap_mode)
        try:
            if self.clips > 1 and (self.role != "single" or self.params.get("enableOnlineDecode")):
                raise ValueError("--clips > 1 is emulated for one GPU with offline decode only (TPP, FSDP and online "
                                 "decode interleave clips differently)")
            if self.role == "single":
                self.run_single()
            elif self.role == "idle":
                self.notes.append("idle rank: this plan runs nothing here")
            else:
                self.run_tpp_or_fsdp()
        except PhaseOOM as exc:
            fits, oom_phase = False, exc.phase
            oom_message = str(exc.original)[:2000]
            need = parse_need_bytes(oom_message)
            self.em.emit("log", message="out of memory", phase=exc.phase, needBytes=need)
        except Exception as exc:  # noqa: BLE001
            error = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:]
            fits = None
            self.em.emit("error", message=str(exc)[:2000], phase=self.current_phase)
        return self._result(fits, oom_phase, need, oom_message, error, time.perf_counter() - t_start)

    def _result(self, fits, oom_phase, need, oom_message, error, wall) -> Dict[str, Any]:
        median = statistics.median(self.forward_times) if self.forward_times else None
        kv = shapes.kv_layout(self.params["size"], int(self.params["inferFrames"]),
                              "single" if self.role == "single" else "tpp", bool(self.params.get("offloadKvCache")),
                              self.dims, self.params.get("imageSize"))
        gpu = torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu"
        return {
            "type": "result",
            "instrument": {"kind": "probe", "version": __version__},
            "rank": self.rank,
            "world": self.world,
            "role": self.role,
            "plan": self.plan,
            "scale": self.scale,
            "device": str(self.device),
            "gpu": gpu,
            "torchVersion": torch.__version__,
            "cudaVersion": torch.version.cuda,
            "capMode": self.cap_mode,
            **measurement_fields(self.mem, self.phases),
            "comm": self.comm.describe() if self.comm is not None else None,
            "host": dict(self.host.result(self.mem.host_data_peak, kv.host_bytes), frames=self.frames_info or None),
            "fits": fits,
            "oomPhase": oom_phase,
            "needBytes": need,
            "oomMessage": oom_message,
            "error": error,
            "secondsPerForward": median,
            "forwardSeconds": [round(t, 5) for t in self.forward_times],
            "secondsPerStep": statistics.median(self.step_times) if self.step_times else None,
            "kvCopySeconds": statistics.median(self.kv_copy_times) if self.kv_copy_times else None,
            "decodeSeconds": self.decode_seconds,
            "decodeSecondsPerClip": [round(t, 4) for t in self.decode_times],
            "vaeSteps": self.vae_steps,
            "reencodeSeconds": statistics.median(self.reencode_times) if self.reencode_times else None,
            "steps": self.steps,
            "blocks": self.blocks,
            "clips": self.clips,
            "clipBlocks": self.clip_blocks,
            "clipSteps": self.clip_steps,
            "wallSeconds": round(wall, 3),
            "fp8": {"requested": bool(self.params.get("fp8")), "applied": bool(self.dit_info.get("fp8Applied")),
                    "reason": self.fp8_reason},
            "dit": self.dit_info,
            "attention": "sdpa" if HAS_SDPA else "manual softmax(QK^T)V",
            "ropeFreqDtype": str(rope_freq_dtype(self.device)),
            "geometry": asdict(self.geo),
            "audioSeconds": self.audio_seconds,
            "audioEmbBytes": self.audio_emb.numel() * self.audio_emb.element_size() if self.audio_emb is not None else 0,
            "kvLayout": asdict(kv),
            "notes": self.notes + [f"fp8 {k}: {v}" for k, v in FP8_EVENTS.items()],
        }
