"""A tiny fake LiveAvatar layout for the upstream harness's CPU tests: the module paths, class and method names the
harness imports and wraps, with small tensors. Its pipeline calls what upstream's single-GPU path calls, in order."""
from __future__ import annotations

import os
import textwrap

COMMIT = "9c2c38de1715e553127b42c82cb959f756b02595"

FILES = {
    "minimal_inference/s2v_streaming_interact.py": '''
import argparse, os, sys, torch
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from liveavatar.models.wan.wan_2_2.configs import MAX_AREA_CONFIGS, WAN_CONFIGS
from liveavatar.models.wan.wan_2_2.utils.utils import merge_video_audio, save_video
from liveavatar.utils.args_config import parse_args_for_training_config as training_config_parser

def _parse_args():
    p = argparse.ArgumentParser()
    for name in ["--ulysses_size", "--task", "--size", "--base_seed", "--training_config", "--offload_model", "--prompt",
                 "--image", "--audio", "--infer_frames", "--lora_path_dmd", "--sample_steps", "--sample_guide_scale",
                 "--num_clip", "--num_gpus_dit", "--sample_solver", "--ckpt_dir"]:
        p.add_argument(name)
    for name in ["--convert_model_dtype", "--load_lora", "--single_gpu", "--fp8", "--offload_kv_cache", "--t5_cpu"]:
        p.add_argument(name, action="store_true")
    return p.parse_args()

def generate(args, training_settings):
    from liveavatar.models.wan.causal_s2v_pipeline import WanS2V
    wan = WanS2V(config=WAN_CONFIGS[args.task], checkpoint_dir=args.ckpt_dir, t5_cpu=args.t5_cpu,
                 offload_kv_cache=args.offload_kv_cache)
    if args.load_lora:
        wan.noise_model = wan.add_lora_to_model(wan.noise_model, pretrained_lora_path=args.lora_path_dmd)
    if args.fp8:
        from liveavatar.utils.fp8_linear import replace_linear_with_scaled_fp8
        replace_linear_with_scaled_fp8(wan.noise_model, ignore_keys=["head.head"])
    video, _ = wan.generate(input_prompt=args.prompt, ref_image_path=args.image, audio_path=args.audio,
                            num_repeat=int(args.num_clip), max_area=MAX_AREA_CONFIGS[args.size],
                            infer_frames=int(args.infer_frames), sampling_steps=int(args.sample_steps),
                            offload_model=args.offload_model == "True")
    save_video(tensor=video[None], save_file="x.mp4", fps=25, nrow=1, normalize=True, value_range=(-1, 1))
    merge_video_audio(video_path="x.mp4", audio_path=args.audio)
''',
    "liveavatar/__init__.py": "",
    "liveavatar/configs/s2v_causal_sft.yaml": "lora_rank: 4\nlora_alpha: 4\n",
    "liveavatar/utils/__init__.py": "",
    "liveavatar/utils/args_config.py": '''
def parse_args_for_training_config(path):
    with open(path) as fh:
        return {k.strip(): int(v) for k, v in (line.split(":") for line in fh if ":" in line)}
''',
    # upstream's FP8ScaleLinear builds its layer on "cuda" and quant_fp8s it; the CPU stand-in copies the Linear
    "liveavatar/utils/fp8_linear.py": '''
import torch
from torch import nn
class FP8ScaleLinear(nn.Linear):
    @classmethod
    def from_linear(cls, linear, quantize_weight=True):
        new = cls(linear.in_features, linear.out_features, bias=linear.bias is not None)
        new = new.to(device=linear.weight.device, dtype=linear.weight.dtype)
        with torch.no_grad():
            new.weight.copy_(linear.weight)
        return new
def replace_linear_with_scaled_fp8(module, ignore_keys=[], quantize_weight=True):
    for name, child in module.named_children():
        if isinstance(child, nn.Linear) and not isinstance(child, FP8ScaleLinear):
            setattr(module, name, FP8ScaleLinear.from_linear(child, quantize_weight=quantize_weight))
        else:
            replace_linear_with_scaled_fp8(child, ignore_keys, quantize_weight)
''',
    "liveavatar/models/__init__.py": "",
    "liveavatar/models/wan/__init__.py": "",
    "liveavatar/models/wan/wan_2_2/__init__.py": "",
    "liveavatar/models/wan/wan_2_2/configs/__init__.py": '''
import easydict
cfg = easydict.EasyDict(dict(transformer=dict(dim=8, num_layers=2, not_a_constructor_key=1), motion_frames=73))
WAN_CONFIGS = {"s2v-14B": cfg}
MAX_AREA_CONFIGS = {"704*384": 704 * 384}
''',
    "liveavatar/models/wan/wan_2_2/utils/__init__.py": "",
    "liveavatar/models/wan/wan_2_2/utils/utils.py": '''
def save_video(**kw):
    raise RuntimeError("would write a video with ffmpeg")
def merge_video_audio(**kw):
    raise RuntimeError("would call ffmpeg")
''',
    "liveavatar/models/wan/wan_2_2/modules/__init__.py": "",
    # upstream's self-attention path: attention() -> cudnn_attention_forward_with_lse (aten cuDNN SDPA on [B, H, L, D]);
    # the CPU stand-in computes softmax(QK^T / sqrt(D))V on the same layout
    "liveavatar/models/wan/wan_2_2/modules/attention.py": '''
import torch
def cudnn_attention_forward_with_lse(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    q, k, v = (x.transpose(1, 2) for x in (q, k, v))
    out = ((q @ k.transpose(-2, -1)) * (scale or q.shape[-1] ** -0.5)).softmax(-1) @ v
    return out.transpose(1, 2).contiguous()
def attention(q, k, v, q_lens=None, k_lens=None, causal=False, window_size=(-1, -1), **kw):
    if window_size == (-1, -1) and q.shape[-1] <= 256:
        return cudnn_attention_forward_with_lse(q, k, v, is_causal=causal)
    raise NotImplementedError("flash_attention path")
''',
    "liveavatar/models/wan/wan_2_2/modules/t5.py": '''
import torch, ftfy
class HuggingfaceTokenizer:
    def __init__(self, name, **kw):
        raise RuntimeError("would download " + name)
class T5EncoderModel:
    def __init__(self, checkpoint_path, tokenizer_path, text_len=16):
        self.model = torch.nn.Embedding(300000, 4)
        self.model.load_state_dict(torch.load(checkpoint_path, map_location="cpu"))
        self.tokenizer = HuggingfaceTokenizer(name=tokenizer_path, seq_len=text_len, clean="whitespace")
    def __call__(self, texts, device):
        ids, mask = self.tokenizer(texts, return_mask=True, add_special_tokens=True)
        n = int(mask.sum())
        return [self.model(ids)[0, :n]]
''',
    "liveavatar/models/wan/wan_2_2/modules/vae2_1.py": '''
import torch
class Wan2_1_VAE:
    def __init__(self, vae_pth, device="cpu", dtype=torch.float32):
        self.device, self.dtype = device, dtype
        self.model = torch.nn.Linear(4, 4, device="meta")
        self.model.load_state_dict(torch.load(vae_pth, map_location="cpu"))
        assert not self.model.weight.is_meta
    def encode(self, videos):
        return [torch.zeros(16, 2, 4, 4) + self.model.weight.sum() * 0 for _ in videos]
    def decode(self, zs):
        return [torch.zeros(3, 12, 32, 32) for _ in zs]
''',
    "liveavatar/models/wan/wan_2_2/modules/s2v/__init__.py": "",
    "liveavatar/models/wan/wan_2_2/modules/s2v/audio_encoder.py": '''
import librosa, torch
class Wav2Vec2Processor: pass
class Wav2Vec2ForCTC: pass
class AudioEncoder:
    def __init__(self, model_id):
        self.model = torch.nn.Linear(4, 4)  # the real one calls Wav2Vec2ForCTC.from_pretrained(model_id)
''',
    "liveavatar/models/wan/causal_model_s2v.py": '''
import torch, diffusers
from liveavatar.models.wan.wan_2_2.modules.attention import attention
class CausalWanModel_S2V(torch.nn.Module):
    num_layers = 2
    def __init__(self, dim=4, num_layers=2):
        super().__init__()
        self.proj = torch.nn.Linear(dim, dim)
    @classmethod
    def from_pretrained(cls, path, **kw):
        raise RuntimeError("would read safetensors under " + path)
    def forward(self, x, t=None, sink_flag=False, **kw):
        x = self.proj(torch.ones(3, self.proj.in_features)).view(1, 3, 2, -1)  # [B, L, heads, head dim]
        return [attention(q=x, k=x, v=x, k_lens=torch.tensor(3).repeat(1), window_size=(-1, -1)).reshape(3, -1)]
''',
    "liveavatar/models/wan/causal_s2v_pipeline.py": '''
import os, torch, librosa
from diffusers import FlowMatchEulerDiscreteScheduler
from .causal_model_s2v import CausalWanModel_S2V
from .wan_2_2.modules.t5 import T5EncoderModel
from .wan_2_2.modules.vae2_1 import Wan2_1_VAE
from .wan_2_2.modules.s2v.audio_encoder import AudioEncoder

def load_state_dict(path):
    raise RuntimeError("would download " + path)

class WanS2V:
    def __init__(self, config, checkpoint_dir, t5_cpu=False, offload_kv_cache=False):
        self.t5_cpu, self.offload_kv_cache = t5_cpu, offload_kv_cache
        self.text_encoder = T5EncoderModel(os.path.join(checkpoint_dir, "t5.pth"), "google/umt5-xxl")
        self.vae = Wan2_1_VAE(vae_pth=os.path.join(checkpoint_dir, "Wan2.1_VAE.pth"))
        self.noise_model = CausalWanModel_S2V.from_pretrained(checkpoint_dir, torch_dtype=torch.float32, device_map="cpu")
        self.audio_encoder = AudioEncoder(model_id=os.path.join(checkpoint_dir, "wav2vec2"))
        self.sample_scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=3)

    def add_lora_to_model(self, model, pretrained_lora_path=None):
        sd = load_state_dict(pretrained_lora_path)
        assert next(iter(sd)).startswith("base_model.model.")
        return model

    def get_gen_size(self, size, max_area, ref_image_path, pre_video_path):
        return (384, 704)

    def encode_audio(self, audio_path, infer_frames):
        data, sr = librosa.load(audio_path, sr=16000)
        return torch.zeros(1, 4, len(data) // 640), max(1, len(data) // (640 * infer_frames))

    def encode_prompt(self, prompt, n_prompt=None, offload_model=True):
        return self.text_encoder([prompt], "cpu"), self.text_encoder([n_prompt or "neg"], "cpu")

    def _initialize_kv_cache(self, gpu_id):
        self.kv_cache1[str(gpu_id)] = torch.zeros(2, 16)

    def _move_kv_cache_to_working_gpu(self, moved_id, gpu_id=0):
        pass

    def generate(self, input_prompt, ref_image_path, audio_path, num_repeat=1, max_area=0, infer_frames=48,
                 sampling_steps=4, offload_model=True, **kw):
        h, w = self.get_gen_size(None, max_area, ref_image_path, None)
        audio_emb, nr = self.encode_audio(audio_path, infer_frames)
        num_repeat = min(num_repeat, nr)
        ref = torch.stack(self.vae.encode([torch.zeros(3, 5, 8, 8)]))
        motion = torch.stack(self.vae.encode([torch.zeros(3, 73, 8, 8)]))
        context, _ = self.encode_prompt(input_prompt, "", offload_model)
        clip_outputs = []
        self.kv_cache1 = None
        for r in range(num_repeat):
            if self.kv_cache1 is None:
                torch.cuda.empty_cache()
                self.kv_cache1 = {}
                for g in range(4):
                    self._initialize_kv_cache(g + 1)
            if r == 0:
                for g in range(4):
                    self._move_kv_cache_to_working_gpu(g + 1)
                    self.noise_model([ref], t=0, sink_flag=True)
                    self._move_kv_cache_to_working_gpu(g + 1, g + 1)
            for block in range(4):
                for i in range(sampling_steps):
                    self._move_kv_cache_to_working_gpu(i + 1)
                    self.noise_model([ref], t=i)
                    self._move_kv_cache_to_working_gpu(i + 1, i + 1)
            clip_outputs.append(torch.zeros(16, 12, 4, 4))
        self.kv_cache1 = None
        torch.cuda.empty_cache()
        out = []
        for clip in clip_outputs:
            image = torch.stack(self.vae.decode([clip]))
            motion = torch.stack(self.vae.encode([image[0]]))
            out.append(image)
        return torch.cat(out, dim=2)[0], {}
''',
}


CUDNN_ONLY = "cuDNN attention needs CUDA (fake upstream: cudnn_raises)"


def make(root: str, commit: str = COMMIT, oom_in: str = None, cudnn_raises: bool = False) -> str:
    """Writes the fake layout under root/LiveAvatar (+ root/COMMIT); returns the LiveAvatar path.
    oom_in: a WanS2V method that raises CUDA's out-of-memory message instead.
    cudnn_raises: cudnn_attention_forward_with_lse raises (as the real aten op does off CUDA), so a run that
    finishes shows the harness replaced it."""
    upstream = os.path.join(root, "LiveAvatar")
    for rel, text in FILES.items():
        path = os.path.join(upstream, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = textwrap.dedent(text)
        if cudnn_raises and rel.endswith("modules/attention.py"):
            text = text.replace("    q, k, v = (x.transpose", f"    raise RuntimeError({CUDNN_ONLY!r})\n    q, k, v = (x.transpose", 1)
        if oom_in and rel.endswith("causal_s2v_pipeline.py"):
            text = text.replace(f"    def {oom_in}(self", f"    def {oom_in}(self, *a, **k):\n        raise RuntimeError("
                                "'CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 23.65 GiB'"
                                f")\n\n    def _unused_{oom_in}(self")
        with open(path, "w") as fh:
            fh.write(text)
    if commit is not None:
        with open(os.path.join(root, "COMMIT"), "w") as fh:
            fh.write(commit + "\n")
    return upstream
