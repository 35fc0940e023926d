"""What reads files in upstream's single-GPU path, replaced by random tensors of the declared shapes.

Everything else (module construction, dtype casts, device moves, LoRA wrapping and merge, fp8 conversion) is upstream's
own code. Each patch returns its note.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Any, Dict, List

import torch
import torch.nn as nn

# wav2vec2-large-xlsr-53 (english fine-tune) as its config.json declares it; vocab 33 = the english CTC head
WAV2VEC2_LARGE_XLSR = dict(
    hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096,
    feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True, vocab_size=33,
    feat_extract_activation="gelu", hidden_act="gelu", num_conv_pos_embeddings=128, num_conv_pos_embedding_groups=16,
)


class RandomStateDict(dict):
    """What torch.load returns for a checkpoint path: empty, marked so load_state_dict keeps (or makes) random weights."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path


RANDOM_INIT_FUNCTIONS = ("kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_", "uniform_",
                         "normal_", "trunc_normal_")
TILE_ELEMENTS = 1 << 24


class TileFill:
    """Fills tensors by copying one random tile (normal(0, std)): a multi-threaded copy where torch's CPU draws are
    serial (minutes for 14B parameters). Counts what it filled."""

    def __init__(self, std: float = 0.02, seed: int = 0):
        self.std = std
        self.tile = torch.randn(TILE_ELEMENTS, generator=torch.Generator().manual_seed(seed)) * std
        self.tiles: Dict[Any, torch.Tensor] = {}
        self.elements = 0

    def __call__(self, t: torch.Tensor, *_a, **_k) -> torch.Tensor:
        if not t.is_floating_point() or t.is_meta or t.numel() == 0:
            return t
        with torch.no_grad():
            src = self.tiles.setdefault((t.dtype, t.device), self.tile.to(dtype=t.dtype, device=t.device))
            if t.is_contiguous():
                flat = t.view(-1)
                for start in range(0, flat.numel(), TILE_ELEMENTS):
                    n = min(TILE_ELEMENTS, flat.numel() - start)
                    flat[start:start + n].copy_(src[:n])
            else:
                t.copy_(torch.randn(t.shape) * self.std)
        self.elements += t.numel()
        return t


@contextlib.contextmanager
def fast_random_init(fill: TileFill):
    """torch.nn.init's random draws become fill (constants -- zeros_, ones_, constant_ -- stay torch's own): the
    values of a random build are ours anyway (upstream reads a checkpoint), and its shapes, dtypes and pages are not
    changed."""
    saved = {name: getattr(nn.init, name) for name in RANDOM_INIT_FUNCTIONS if hasattr(nn.init, name)}
    for name in saved:
        setattr(nn.init, name, fill)
    try:
        yield fill
    finally:
        for name, fn in saved.items():
            setattr(nn.init, name, fn)


@contextlib.contextmanager
def random_checkpoints(ckpt_dir: str, events: List[str]):
    """torch.load(<path under ckpt_dir>) -> RandomStateDict; Module.load_state_dict(RandomStateDict) keeps the built
    module's weights, and where it was built on the meta device (the VAE, loaded with assign=True) materializes it on
    the CPU (upstream's map_location) with random values."""
    real_load = torch.load
    real_lsd = nn.Module.load_state_dict

    def load(f, *a, **k):
        if isinstance(f, str) and f.startswith(ckpt_dir):
            events.append(f"torch.load({f})")
            return RandomStateDict(f)
        return real_load(f, *a, **k)

    def load_state_dict(self, state_dict, strict=True, assign=False, **k):
        if isinstance(state_dict, RandomStateDict):
            if any(p.is_meta for p in list(self.parameters()) + list(self.buffers())):
                self.to_empty(device="cpu")
                fill = TileFill()
                for t in list(self.parameters()) + list(self.buffers()):
                    fill(t)
            return nn.modules.module._IncompatibleKeys([], [])
        return real_lsd(self, state_dict, strict=strict, **({"assign": assign} if assign else {}), **k)

    torch.load = load
    nn.Module.load_state_dict = load_state_dict
    try:
        yield
    finally:
        torch.load = real_load
        nn.Module.load_state_dict = real_lsd


class FakeT5Tokenizer:
    """Stands in for umt5-xxl's tokenizer (a hub download): ids of a plausible length (about 1.3 tokens per word or
    one per CJK character, capped at text_len), padded to seq_len like HuggingfaceTokenizer(clean='whitespace')."""

    VOCAB = 256384

    def __init__(self, name=None, seq_len=None, clean=None, **_kw):
        self.name, self.seq_len, self.clean = name, seq_len, clean

    @staticmethod
    def token_count(text: str) -> int:
        cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
        words = len(text.split()) if cjk == 0 else 0
        return max(1, int(round(words * 1.3)) + cjk) + 1  # + </s>

    def __call__(self, sequence, return_mask=False, add_special_tokens=True, **_kw):
        texts = [sequence] if isinstance(sequence, str) else list(sequence)
        seq_len = self.seq_len or max(self.token_count(t) for t in texts)
        ids = torch.zeros(len(texts), seq_len, dtype=torch.long)
        mask = torch.zeros(len(texts), seq_len, dtype=torch.long)
        g = torch.Generator().manual_seed(0)
        for i, t in enumerate(texts):
            n = min(seq_len, self.token_count(t))
            ids[i, :n] = torch.randint(2, self.VOCAB, (n,), generator=g)
            mask[i, :n] = 1
        return (ids, mask) if return_mask else ids


def wav2vec2_classes():
    """(Processor, Model) whose from_pretrained build wav2vec2-large-xlsr-53 from a local config, random weights
    (transformers is imported when they are called)."""

    class Processor:
        @staticmethod
        def from_pretrained(_path, **_kw):
            from transformers import Wav2Vec2FeatureExtractor
            return Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0,
                                            do_normalize=True, return_attention_mask=True)

    class Model:
        @staticmethod
        def from_pretrained(_path, **_kw):
            from transformers import Wav2Vec2Config, Wav2Vec2ForCTC
            model = Wav2Vec2ForCTC(Wav2Vec2Config(**WAV2VEC2_LARGE_XLSR))
            return model.eval()

    return Processor, Model


def random_lora_state_dict(path: str, torch_dtype=None) -> Dict[str, Any]:
    """load_state_dict(lora_path_dmd) stand-in: one unmatched key, so peft's fresh adapters (lora_B = 0) stay and
    merge_and_unload does the same work on the same shapes."""
    return {"base_model.model.headroom_random_lora": torch.zeros(1)}


def dit_kwargs(model_cls, transformer_cfg) -> Dict[str, Any]:
    """WAN_CONFIGS['s2v-14B'].transformer, only the keys the DiT's constructor takes."""
    params = inspect.signature(model_cls.__init__).parameters
    return {k: v for k, v in dict(transformer_cfg).items() if k in params}


NOTES = {
    "dit": "DiT: CausalWanModel_S2V.from_pretrained builds CausalWanModel_S2V(**WAN_CONFIGS['s2v-14B'].transformer) "
           "(constructor keys only) directly on the GPU in bf16 with the constructor's random init; upstream (diffusers) "
           "reads the sharded safetensors through host memory: its host RAM and load seconds are not measured here.",
    "t5": "T5: umt5-xxl is built by upstream's own code on the CPU in fp32 and cast; its random draws (torch.nn.init's "
          "normal_/uniform_/... in the constructors and init_weights) copy a random tile instead of drawing serially "
          "(weights.fast_random_init: values differ, shapes, dtypes and touched pages do not); "
          "torch.load of models_t5_umt5-xxl-enc-bf16.pth returns an empty marked dict and load_state_dict keeps the "
          "random weights (no 11 GB checkpoint staged in host RAM).",
    "tokenizer": "T5 tokenizer (google/umt5-xxl from the hub) replaced: random ids, ~1.3 tokens per English word or one "
                 "per CJK character, padded to text_len 512; the context lengths (and so cross-attention keys) can "
                 "differ from the real tokenizer's by some tokens.",
    "vae": "VAE: upstream builds WanVAE_ on the meta device; torch.load of Wan2.1_VAE.pth returns an empty marked dict and "
           "load_state_dict(assign=True) materializes the model on the CPU with random normal(0, 0.02) values, then "
           "upstream moves it to the GPU in bf16.",
    "wav2vec2": "wav2vec2: Wav2Vec2ForCTC built from a local wav2vec2-large-xlsr-53 config (hidden 1024, 24 layers, vocab "
                "33), random weights, fp32 on the CPU as from_pretrained would; the processor is a Wav2Vec2FeatureExtractor "
                "(normalize, 16 kHz): no CTC tokenizer, which this path never calls.",
    "lora": "LoRA: peft wraps the DiT exactly as upstream (rank/alpha/targets from s2v_causal_sft.yaml); the DMD "
            "checkpoint (hub download) is replaced by one unmatched key, so the adapters keep peft's init (lora_B = 0) "
            "and merge_and_unload does the same work on the same shapes.",
    "outputs": "save_video and merge_video_audio (ffmpeg writes of the result) are not run; the returned video tensor's "
               "shape is recorded. Host RAM of save_video's preprocessing is therefore not measured here.",
}
