"""CPU tests of the upstream harness (Debian's torch 1.13 on /usr/bin/python3) over a tiny fake LiveAvatar layout:

    /usr/bin/python3 -m unittest discover -s apps/worker/python/tests -v      # from the repository root
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
sys.path.insert(0, PYDIR)
sys.path.insert(0, HERE)

import fake_upstream  # noqa: E402
from headroom_upstream import PINNED_COMMIT, self_attention, shims, upstream_dir  # noqa: E402
from headroom_upstream.phases import Instrument  # noqa: E402

PHASES = ["load", "encode", "denoise", "decode"]


def run_harness(upstream: str, *extra: str):
    proc = subprocess.run([sys.executable, "-m", "headroom_upstream", "--device", "cpu", "--upstream-dir", upstream,
                           "--audio-seconds", "5", *extra],
                          cwd=PYDIR, capture_output=True, text=True, timeout=300)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc, events


class FakeUpstreamRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.upstream = fake_upstream.make(cls.tmp.name)
        cls.out = os.path.join(cls.tmp.name, "result.json")
        cls.proc, cls.events = run_harness(cls.upstream, "--clips", "2", "--compile", "off", "--out", cls.out)
        cls.result = cls.events[-1] if cls.events else {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exits_zero_and_ends_with_the_result(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-3000:])
        self.assertEqual(self.result["type"], "result")
        with open(self.out) as fh:
            self.assertEqual(json.load(fh)["phases"].keys(), self.result["phases"].keys())

    def test_phases_start_and_end_in_upstream_order(self):
        starts = [e["phase"] for e in self.events if e["type"] == "phase" and e["state"] == "start"]
        ends = [e["phase"] for e in self.events if e["type"] == "phase" and e["state"] == "end"]
        self.assertEqual(starts, PHASES)
        self.assertEqual(ends, PHASES)
        memory = [e for e in self.events if e["type"] == "memory"]
        self.assertEqual([e["phase"] for e in memory], PHASES)
        for e in memory:
            self.assertTrue({"allocated", "reserved", "deviceUsed", "seconds"} <= e.keys())

    def test_forwards_steps_and_clips_are_timed(self):
        r = self.result
        # fake pipeline: 4 sink forwards at clip 0, then 4 blocks x 4 steps per clip, 2 clips
        self.assertEqual(len(r["sinkForwardSeconds"]), 4)
        self.assertEqual(len(r["forwardSeconds"]), 32)
        self.assertEqual(len(r["stepSeconds"]), 32)
        self.assertEqual(len(r["decodeSecondsPerClip"]), 2)
        self.assertEqual(len(r["reencodeSecondsPerClip"]), 2)
        # each decode and re-encode of the final loop with what it found allocated and its own peak
        self.assertEqual([(v["step"], v["clip"]) for v in r["vaeSteps"]], [("decode", 1), ("reencode", 1), ("decode", 2), ("reencode", 2)])
        self.assertTrue(all({"allocatedBefore", "peakAllocated"} <= v.keys() for v in r["vaeSteps"]))
        self.assertEqual(len(r["encodeSeconds"]["vaeEncode"]), 2)
        self.assertEqual(len(r["encodeSeconds"]["prompt"]), 1)
        self.assertIsNotNone(r["secondsPerForward"])
        self.assertIsNotNone(r["compileSeconds"])
        self.assertIsNone(r["kvCopySeconds"])  # KV caches stay on the device without --offload-kv-cache
        progress = [e for e in self.events if e["type"] == "progress"]
        self.assertEqual(sum(1 for e in progress if e["phase"] == "denoise"), 36)

    def test_result_carries_the_probe_fields_and_the_instrument(self):
        r = self.result
        for key in ("phases", "peakAllocated", "peakReserved", "peakDeviceUsed", "fits", "oomPhase", "needBytes",
                    "secondsPerForward", "secondsPerStep", "decodeSecondsPerClip", "reencodeSeconds", "compileSeconds",
                    "wallSeconds", "geometry", "host", "capBytes", "notes", "torchVersion"):
            self.assertIn(key, r)
        self.assertEqual(r["instrument"]["kind"], "upstream")
        self.assertEqual(r["instrument"]["commit"], PINNED_COMMIT)
        self.assertEqual(r["outsideReservedBytes"], 0)  # no --outside-gib: only the context seen at start
        self.assertTrue(r["fits"])
        self.assertEqual(r["geometry"]["height"], 384)
        self.assertEqual(r["geometry"]["width"], 704)
        self.assertEqual(r["geometry"]["tokensPerLatentFrame"], 1056)
        self.assertEqual(r["geometry"]["blocksPerClip"], 4)
        self.assertEqual(r["clipsRun"], 2)
        self.assertFalse(r["compile"])
        self.assertEqual(r["videoShape"][0], 1)  # save_video got the video; nothing was written
        # T5's random draws are a tile copy (the fake's Embedding(300000, 4)); each load step is timed
        self.assertIn("T5EncoderModel: fast random init filled 1200000 elements", r["patchEvents"])
        self.assertEqual(set(r["loadSteps"]), {"t5", "dit", "lora", "fp8"})

    def test_file_reads_were_replaced(self):
        events = self.result["patchEvents"]
        self.assertTrue(any("t5.pth" in e for e in events))
        self.assertTrue(any("Wan2.1_VAE.pth" in e for e in events))
        self.assertTrue(any(e.startswith("CausalWanModel_S2V.from_pretrained") for e in events))

    def test_notes_list_every_shim_installed_and_every_patch(self):
        notes = "\n".join(self.result["notes"])
        for needle in ("diffusers (shim)", "flash_attn (shim)", "librosa (shim)", "decord (shim)", "easydict (shim)",
                       "T5 tokenizer", "VAE:", "DiT:", "LoRA:", "wav2vec2:", "save_video", "synchronize",
                       "ENABLE_COMPILE=false"):
            self.assertIn(needle, notes)

    def test_default_self_attention_is_upstreams_cudnn_unpatched(self):
        r = self.result
        self.assertEqual(r["levers"]["selfAttention"], "cudnn")
        self.assertIn("cuDNN", r["attention"])
        self.assertIsNone(r["sdpaBackend"])
        self.assertNotIn("self-attention (patch", "\n".join(r["notes"]))
        self.assertFalse(any(self_attention.TARGET in e for e in r["patchEvents"]))


def load_fake_attention(root: str):
    """The fake layout's attention.py as a standalone module (it imports only torch)."""
    upstream = fake_upstream.make(root)
    path = os.path.join(upstream, *self_attention.MODULE.split(".")) + ".py"
    spec = importlib.util.spec_from_file_location("fake_upstream_attention", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def reference_attention(q, k, v, causal=False, scale=None):
    """softmax(Q K^T * scale) V on [B, L, H, D], written out (SDPA's definition; causal: the top-left triangle)."""
    import torch
    w = torch.einsum("blhd,bmhd->bhlm", q, k) * (scale if scale is not None else q.shape[-1] ** -0.5)
    if causal:
        w = w.masked_fill(~torch.ones(q.shape[1], k.shape[1], dtype=torch.bool).tril(), float("-inf"))
    return torch.einsum("bhlm,bmhd->blhd", w.softmax(-1), v)


class SelfAttention(unittest.TestCase):
    """--self-attention: cudnn (default) leaves upstream's function in place; sdpa swaps only that function."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.mod = load_fake_attention(self.tmp.name)
        self.upstreams = self.mod.cudnn_attention_forward_with_lse

    def tearDown(self):
        self.tmp.cleanup()

    def test_default_leaves_upstreams_function_in_place(self):
        inst = Instrument(None, None, None, None)
        self.assertEqual(self_attention.apply("cudnn", self.mod, inst.patch), [])
        self.assertIs(self.mod.cudnn_attention_forward_with_lse, self.upstreams)

    def test_sdpa_replaces_it_lists_the_patch_and_is_undone(self):
        inst = Instrument(None, None, None, None)
        notes = self_attention.apply("sdpa", self.mod, inst.patch)
        self.assertIs(self.mod.cudnn_attention_forward_with_lse, self_attention.sdpa_attention_forward)
        self.assertEqual(len(notes), 1)
        self.assertTrue(notes[0].startswith("self-attention (patch, --self-attention sdpa)"))
        self.assertIn("Memory:", notes[0])
        self.assertIn("Time:", notes[0])
        # upstream's attention() looks the function up at call time: it now runs the replacement
        import torch
        torch.manual_seed(0)
        q = torch.randn(1, 5, 2, 4)
        self.assertTrue(torch.allclose(self.mod.attention(q, q, q), reference_attention(q, q, q), atol=1e-5))
        inst.undo()
        self.assertIs(self.mod.cudnn_attention_forward_with_lse, self.upstreams)

    def test_missing_target_is_an_error_not_a_silent_cudnn_run(self):
        inst = Instrument(None, None, None, None)
        del self.mod.cudnn_attention_forward_with_lse
        with self.assertRaises(RuntimeError):
            self_attention.apply("sdpa", self.mod, inst.patch)

    def test_replacement_equals_reference_sdpa_on_tiny_tensors(self):
        import torch
        import torch.nn.functional as F
        torch.manual_seed(0)
        # Lq != Lk and H != L, so a missed transpose or a wrong scale shows
        q, k, v = torch.randn(2, 5, 3, 8), torch.randn(2, 7, 3, 8), torch.randn(2, 7, 3, 8)
        out = self_attention.sdpa_attention_forward(q, k, v)
        self.assertEqual(out.shape, (2, 5, 3, 8))
        self.assertTrue(out.is_contiguous())
        self.assertLess(float((out - reference_attention(q, k, v)).abs().max()), 1e-5)
        self.assertLess(float((out - self.upstreams(q, k, v)).abs().max()), 1e-5)  # upstream's contract (CPU stand-in)
        scaled = self_attention.sdpa_attention_forward(q, k, v, scale=0.1)
        self.assertLess(float((scaled - reference_attention(q, k, v, scale=0.1)).abs().max()), 1e-5)
        kc, vc = k[:, :5], v[:, :5]
        causal = self_attention.sdpa_attention_forward(q, kc, vc, is_causal=True)
        self.assertLess(float((causal - reference_attention(q, kc, vc, causal=True)).abs().max()), 1e-5)
        self.assertGreater(float((causal - reference_attention(q, kc, vc)).abs().max()), 1e-3)
        if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0: PyTorch's own SDPA as the reference too
            ref = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)).transpose(1, 2)
            self.assertLess(float((out - ref).abs().max()), 1e-5)

    def test_backend_probe_is_none_off_cuda(self):
        import torch
        self.assertIsNone(self_attention.sdpa_backend(torch.device("cpu")))


class SelfAttentionRuns(unittest.TestCase):
    """End to end over a fake upstream whose cuDNN function raises (as the real op does off CUDA)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.upstream = fake_upstream.make(cls.tmp.name, cudnn_raises=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_sdpa_run_replaces_upstreams_call_and_says_so(self):
        proc, events = run_harness(self.upstream, "--clips", "1", "--compile", "off", "--self-attention", "sdpa")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        r = events[-1]
        self.assertIs(r["fits"], True, r.get("error"))
        self.assertEqual(r["levers"]["selfAttention"], "sdpa")
        self.assertIn("scaled_dot_product_attention", r["attention"])
        self.assertIn(self_attention.NOTES["sdpa"], r["notes"])
        self.assertIn(self_attention.TARGET + " -> sdpa", r["patchEvents"])

    def test_default_run_keeps_upstreams_call(self):
        proc, events = run_harness(self.upstream, "--clips", "1", "--compile", "off")
        r = events[-1]
        self.assertIsNone(r["fits"])
        self.assertIn(fake_upstream.CUDNN_ONLY, r["error"])
        self.assertEqual(r["levers"]["selfAttention"], "cudnn")

    def test_unknown_choice_is_refused(self):
        proc, _ = run_harness(self.upstream, "--self-attention", "flash")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("invalid choice", proc.stderr)


class QuantizeOnCpu(unittest.TestCase):
    """Headroom's loader patch on upstream's code: the DiT built on the CPU, each Linear moved to the GPU alone."""

    def test_random_draws_become_a_tile_copy_and_constants_stay(self):
        import torch
        from headroom_upstream import weights
        fill = weights.TileFill()
        with weights.fast_random_init(fill):
            lin = torch.nn.Linear(64, 32)
            norm = torch.nn.LayerNorm(8)  # ones_/zeros_: torch's own
        self.assertEqual(torch.nn.init.kaiming_uniform_.__name__, "kaiming_uniform_")  # restored after the block
        self.assertEqual(fill.elements, 64 * 32 + 32)
        self.assertTrue(torch.isfinite(lin.weight).all())
        self.assertAlmostEqual(float(lin.weight.std()), 0.02, delta=0.005)
        self.assertGreater(int(torch.unique(lin.weight).numel()), 1000)
        self.assertTrue(torch.equal(norm.weight.detach(), torch.ones(8)))

    def test_values_the_constructor_computes_are_kept(self):
        import torch
        from headroom_upstream import quantize_on_cpu as q

        class Dit(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = torch.nn.Linear(8, 8)
                self.norm = torch.nn.Parameter(torch.ones(8))  # not through nn.init: left alone
                self.freqs = torch.arange(4.0)
        model, filled = q.build_on_cpu(Dit)
        self.assertEqual(filled, 8 * 8 + 8)
        self.assertTrue(torch.equal(model.norm.detach(), torch.ones(8)))
        self.assertTrue(torch.equal(model.freqs, torch.arange(4.0)))

    def test_from_linear_moves_the_one_layer_first(self):
        import torch
        from headroom_upstream import quantize_on_cpu as q
        seen = []

        class Fp8(torch.nn.Module):
            @classmethod
            def from_linear(cls, linear, quantize_weight=True):
                seen.append((linear.weight.device.type, quantize_weight))
                return cls()
        Fp8.from_linear = q.from_linear_on(torch.device("meta"), Fp8.__dict__["from_linear"])
        self.assertIsInstance(Fp8.from_linear(torch.nn.Linear(4, 4), quantize_weight=False), Fp8)
        self.assertEqual(seen, [("meta", False)])

    def test_run_builds_on_the_cpu_and_says_so(self):
        with tempfile.TemporaryDirectory() as tmp:
            upstream = fake_upstream.make(tmp)
            proc, events = run_harness(upstream, "--clips", "1", "--compile", "off", "--quantize-on-cpu")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        r = events[-1]
        self.assertIs(r["fits"], True, r.get("error"))
        self.assertTrue(r["levers"]["quantizeOnCpu"])
        from headroom_upstream import quantize_on_cpu as q
        self.assertIn(q.NOTE, r["notes"])
        self.assertTrue(any(e.endswith("on the CPU") and "from_pretrained" in e for e in r["patchEvents"]), r["patchEvents"])
        self.assertTrue(any("fast init filled" in e for e in r["patchEvents"]))
        self.assertIn("FP8ScaleLinear.from_linear -> the Linear moved to the GPU first", r["patchEvents"])
        self.assertEqual(set(r["loadSteps"]), {"t5", "dit", "lora", "fp8"})

    def test_alloc_conf_reaches_pytorch_before_cuda_and_the_measurement_keeps_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            upstream = fake_upstream.make(tmp)
            proc, events = run_harness(upstream, "--clips", "1", "--compile", "off", "--alloc-conf", "expandable_segments:True")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        r = events[-1]
        self.assertEqual(r["levers"]["allocConf"], "expandable_segments:True")
        import upstream_measurements
        m = upstream_measurements.to_measurement({"id": "x", "command": "c", "date": "d", "exitCode": 0, "result": r}, "cpu", "batch")
        self.assertEqual(m["allocConf"], "expandable_segments:True")
        self.assertNotIn("allocConf", m["plan"]["params"])

    def test_without_fp8_it_is_refused(self):
        proc, _ = run_harness("/nonexistent", "--quantize-on-cpu", "--fp8", "off")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("needs --fp8 on", proc.stderr)


class BatchAndSplit(unittest.TestCase):
    """upstream_batch.py's run list and upstream_measurements.py's file carry the self-attention lever."""

    def test_sdpa_run_follows_the_first_three_and_pairs_with_the_eager_run(self):
        import upstream_batch
        ids = [rid for rid, _ in upstream_batch.RUNS]
        self.assertEqual(ids[:4], ["704x384-eager-c2", "704x384-c2", "704x384-bf16-eager-c2", "704x384-eager-sdpa-c2"])
        flags = dict(upstream_batch.RUNS)
        sdpa, eager = flags["704x384-eager-sdpa-c2"], flags["704x384-eager-c2"]
        self.assertEqual(sdpa, ["--compile", "off", "--self-attention", "sdpa", "--clips", "2"])
        # the pair differs in the self-attention only
        self.assertEqual([f for f in sdpa if f not in ("--self-attention", "sdpa")], eager)

    def test_only_runs_the_named_ids_in_the_order_given(self):
        import upstream_batch
        picked = upstream_batch.select_runs(["704x384-bf16-eager-c2", "704x384-eager-c2"])
        self.assertEqual([rid for rid, _ in picked], ["704x384-bf16-eager-c2", "704x384-eager-c2"])
        with self.assertRaises(SystemExit):
            upstream_batch.select_runs(["704x384-nope"])

    def test_stop_on_error_spares_ooms_and_timeouts(self):
        import upstream_batch
        self.assertTrue(upstream_batch.failed_other_than_oom(1, {"oomPhase": None, "error": "AttributeError"}))
        self.assertTrue(upstream_batch.failed_other_than_oom(1, None))
        self.assertFalse(upstream_batch.failed_other_than_oom(1, {"oomPhase": "denoise"}))
        self.assertFalse(upstream_batch.failed_other_than_oom(124, None))
        self.assertFalse(upstream_batch.failed_other_than_oom(0, {"fits": True}))

    def test_compile_flag_read_from_the_run_flags(self):
        import upstream_batch
        flags = dict(upstream_batch.RUNS)
        self.assertTrue(upstream_batch.compiles(flags["704x384-c2"]))
        self.assertFalse(upstream_batch.compiles(flags["704x384-eager-c2"]))

    def test_a_timed_out_run_gets_sigterm_and_time_to_write_its_partial_result(self):
        import upstream_batch
        child = ("import signal, sys, time\n"
                 "signal.signal(signal.SIGTERM, lambda *a: (print('partial result'), sys.exit(3)))\n"
                 "print('started', flush=True)\ntime.sleep(60)\n")
        code, stdout, _ = upstream_batch.run_with_timeout([sys.executable, "-c", child], dict(os.environ), 2.0, grace_s=10)
        self.assertEqual(code, 124)
        self.assertIn("partial result", stdout)

    def result(self, **levers):
        base = {"size": "704*384", "inferFrames": 48, "sampleSteps": 4, "fp8": True, "enableCompile": False,
                "offloadKvCache": False, "t5Cpu": False, "numClip": 2}
        return {"instrument": {"kind": "upstream", "commit": PINNED_COMMIT, "harness": "0.3.0"}, "gpu": "H200",
                "torchVersion": "2.x", "capBytes": None, "levers": dict(base, **levers), "phases": {"load": {}},
                "audioSeconds": 60}

    def test_measurement_carries_self_attention_outside_the_plan(self):
        import upstream_measurements
        entry = {"id": "704x384-eager-sdpa-c2", "command": "python3 -m headroom_upstream --self-attention sdpa",
                 "date": "2026-12-05T00:00:00Z", "exitCode": 0, "result": self.result(selfAttention="sdpa")}
        m = upstream_measurements.to_measurement(entry, "h200", "batch")
        self.assertEqual(m["selfAttention"], "sdpa")
        self.assertNotIn("selfAttention", m["plan"]["params"])
        self.assertIs(m["plan"]["params"]["enableCompile"], False)
        old = dict(entry, result=self.result())  # a harness 0.1.0 result: upstream's cuDNN ran
        self.assertEqual(upstream_measurements.to_measurement(old, "h200", "batch")["selfAttention"], "cudnn")

    def test_id_suffix_names_a_second_machines_run_of_a_committed_configuration(self):
        import upstream_measurements
        entry = {"id": "704x384-eager-c2", "command": "python3 -m headroom_upstream --compile off",
                 "date": "2026-12-05T00:00:00Z", "exitCode": 0, "result": self.result()}
        self.assertEqual(upstream_measurements.to_measurement(entry, "h100", "batch")["id"], "upstream-704x384-eager-c2")
        self.assertEqual(upstream_measurements.to_measurement(entry, "h100", "batch", None, "-host2")["id"],
                         "upstream-704x384-eager-c2-host2")

    def test_an_uncapped_run_is_a_plan_for_the_card_it_ran_on_and_a_cap_for_the_card_it_stands_for(self):
        import upstream_measurements
        h100 = dict(self.result(), gpu="NVIDIA H100 80GB HBM3")
        self.assertEqual(upstream_measurements.plan_for(h100)["hardware"]["gpu"], "h100-sxm")
        self.assertEqual(upstream_measurements.plan_for(self.result())["hardware"]["gpu"], "h200")
        capped = dict(h100, capBytes=int(23.65 * 1024 ** 3))
        self.assertEqual(upstream_measurements.plan_for(capped)["hardware"]["gpu"], "rtx-4090")


class Failures(unittest.TestCase):
    def test_missing_upstream_dir_is_not_installed(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_harness(os.path.join(tmp, "nope"))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(events[0]["type"], "error")
        self.assertEqual(events[0]["errorClass"], "not-installed")
        self.assertIsNone(events[-1]["fits"])
        self.assertIn("prepare-upstream.sh", events[-1]["error"])

    def test_other_commit_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            upstream = fake_upstream.make(tmp, commit="0" * 40)
            proc, events = run_harness(upstream)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("pinned to " + PINNED_COMMIT, events[-1]["error"])

    def test_oom_is_a_result_with_its_phase_and_need(self):
        with tempfile.TemporaryDirectory() as tmp:
            upstream = fake_upstream.make(tmp, oom_in="_initialize_kv_cache")
            proc, events = run_harness(upstream, "--clips", "1")
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        r = events[-1]
        self.assertIs(r["fits"], False)
        self.assertEqual(r["oomPhase"], "denoise")
        self.assertEqual(r["needBytes"], int(2.5 * 1024 ** 3))
        self.assertIn("load", r["phases"])
        self.assertTrue(any(e["type"] == "error" and e["errorClass"] == "out-of-memory" for e in events))

    def test_check_reads_commit_beside_the_checkout(self):
        with tempfile.TemporaryDirectory() as tmp:
            upstream = fake_upstream.make(tmp)
            self.assertEqual(upstream_dir.check(upstream), PINNED_COMMIT)
            os.remove(os.path.join(tmp, "COMMIT"))
            with self.assertRaises(upstream_dir.UpstreamError):
                upstream_dir.check(upstream)


class Shims(unittest.TestCase):
    def setUp(self):
        self.saved = dict(sys.modules)

    def tearDown(self):
        for name in list(sys.modules):
            if name not in self.saved:
                del sys.modules[name]

    def test_installed_only_where_missing(self):
        sys.modules.pop("easydict", None)
        present = "easydict" if not shims.is_missing("easydict") else None
        notes = shims.install_shims(["easydict", "ftfy"])
        for name in ("easydict", "ftfy"):
            self.assertIn(name, sys.modules)
        if present:  # a real package wins: no shim, no note
            self.assertFalse(getattr(sys.modules["easydict"], "__headroom_shim__", False))
            self.assertFalse(any(n.startswith("easydict") for n in notes))
        else:
            self.assertTrue(sys.modules["easydict"].__headroom_shim__)
        self.assertEqual(shims.install_shims(["ftfy"]), [])  # second time: present now, nothing installed

    def test_a_present_module_is_never_replaced(self):
        fake = type(sys)("decord")
        sys.modules["decord"] = fake
        self.assertEqual(shims.install_shims(["decord"]), [])
        self.assertIs(sys.modules["decord"], fake)

    def test_shims_have_a_spec_so_find_spec_does_not_raise(self):
        import importlib.util
        sys.modules.pop("librosa", None)
        if not shims.is_missing("librosa"):
            self.skipTest("librosa is installed here")
        shims.install_shims(["librosa"])
        self.assertIsNotNone(importlib.util.find_spec("librosa"))  # raised "librosa.__spec__ is None" before

    def test_hidden_after_import_but_still_referenced(self):
        sys.modules.pop("decord", None)
        if not shims.is_missing("decord"):
            self.skipTest("decord is installed here")
        shims.install_shims(["decord"])
        import decord
        self.assertEqual(shims.hide_after_import(["decord", "json"]), ["decord"])
        self.assertTrue(shims.is_missing("decord"))
        self.assertTrue(hasattr(decord, "VideoReader"))

    def test_preimport_skips_what_is_missing(self):
        imported = shims.preimport_real_packages()
        self.assertTrue(set(imported) <= set(shims.PREIMPORT))

    def test_diffusers_submodules_are_linked(self):
        if not shims.is_missing("diffusers"):
            self.skipTest("diffusers is installed here")
        shims.install_shims(["diffusers"])
        from diffusers.models.attention import AdaLayerNorm  # noqa: F401
        from diffusers.schedulers.scheduling_utils import KarrasDiffusionSchedulers
        import diffusers
        self.assertTrue(list(KarrasDiffusionSchedulers))
        self.assertIs(diffusers.models.attention.AdaLayerNorm, AdaLayerNorm)

    def test_config_values_read_as_model_attributes_like_diffusers(self):
        # causal_model_s2v.py inject_motion reads self.enable_motioner, which __init__ only registers to the config
        class Model(shims.ModelMixin, shims.ConfigMixin):
            @shims.register_to_config
            def __init__(self, enable_motioner=False, width=4):
                super().__init__()
                self.width = width * 2

        model = Model(width=3)
        self.assertIs(model.enable_motioner, False)
        self.assertEqual(model.width, 6)  # a real attribute wins over the config value
        with self.assertRaises(AttributeError):
            _ = model.not_in_config

    def test_euler_scheduler_matches_diffusers_sigmas(self):
        import torch
        s = shims.FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=3)
        s.set_timesteps(4)
        # diffusers 0.3x, shift 3, 4 steps: linspace(t(sigma_max), t(sigma_min), 4) shifted again -> 1000, 858, 602, 9
        self.assertEqual([round(float(t)) for t in s.timesteps], [1000, 858, 602, 9])
        self.assertEqual(float(s.sigmas[-1]), 0.0)
        x = torch.ones(1, 2)
        s._step_index = 0
        out = s.step(torch.ones(1, 2), s.timesteps[0], x, return_dict=False)[0]
        self.assertAlmostEqual(float(out[0, 0]), 1.0 + float(s.sigmas[1] - s.sigmas[0]), places=5)

    def test_varlen_attention_equals_per_sequence_sdpa(self):
        import torch
        torch.manual_seed(0)
        q, k, v = torch.randn(7, 2, 8), torch.randn(9, 2, 8), torch.randn(9, 2, 8)
        cq, ck = torch.tensor([0, 3, 7]), torch.tensor([0, 4, 9])
        out = shims.flash_attn_varlen_func(q, k, v, cq, ck, 4, 5)
        for i in range(2):
            qi, ki, vi = (x.transpose(0, 1) for x in (q[cq[i]:cq[i + 1]], k[ck[i]:ck[i + 1]], v[ck[i]:ck[i + 1]]))
            ref = ((qi @ ki.transpose(-2, -1)) * 8 ** -0.5).softmax(-1) @ vi
            ref = ref.transpose(0, 1)
            self.assertLess(float((out[cq[i]:cq[i + 1]] - ref).abs().max()), 1e-5)


if __name__ == "__main__":
    unittest.main()


class CompileFixes(unittest.TestCase):
    """compile_fixes: upstream's flash_attention runs outside dynamo under ENABLE_COMPILE on Python >= 3.12."""

    def setUp(self):
        import types
        from headroom_upstream import compile_fixes
        self.cf = compile_fixes
        self.fa = lambda q, k, v, **kw: "upstream"
        self.attn = types.SimpleNamespace(__name__="liveavatar.x.attention", flash_attention=self.fa)
        self.model = types.SimpleNamespace(flash_attention=self.fa)
        self.other = types.SimpleNamespace(flash_attention=self.fa)
        self.modules = {"liveavatar.x.attention": self.attn, "liveavatar.x.model": self.model, "thirdparty.m": self.other}
        self.undo = []

        def patch(owner, name, new):
            old = getattr(owner, name)
            setattr(owner, name, new)
            self.undo.append(lambda: setattr(owner, name, old))
        self.patch = patch
        self.disable = lambda fn: (lambda *a, **k: ("disabled", fn(*a, **k)))

    def test_wraps_every_liveavatar_binding_on_312_with_compile(self):
        notes = self.cf.apply(True, self.attn, self.patch, modules=self.modules, version=(3, 12), disable=self.disable)
        self.assertEqual(notes, [self.cf.NOTE])
        self.assertEqual(self.attn.flash_attention(1, 2, 3), ("disabled", "upstream"))
        self.assertEqual(self.model.flash_attention(1, 2, 3), ("disabled", "upstream"))
        self.assertIs(self.other.flash_attention, self.fa)  # not upstream's module
        for u in reversed(self.undo):
            u()
        self.assertIs(self.model.flash_attention, self.fa)

    def test_leaves_upstream_alone_when_eager_or_before_312(self):
        self.assertEqual(self.cf.apply(False, self.attn, self.patch, modules=self.modules, version=(3, 12), disable=self.disable), [])
        self.assertEqual(self.cf.apply(True, self.attn, self.patch, modules=self.modules, version=(3, 11), disable=self.disable), [])
        self.assertIs(self.model.flash_attention, self.fa)

    def test_sigterm_becomes_an_error_the_harness_records(self):
        from headroom_upstream import cli
        with self.assertRaises(cli.Stopped):
            cli._stop_on_sigterm(15, None)
