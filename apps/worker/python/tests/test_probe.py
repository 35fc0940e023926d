"""CPU tests of the probe (Debian's torch 1.13 on /usr/bin/python3):

    /usr/bin/python3 -m unittest discover -s apps/worker/python/tests -v      # from the repository root
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
sys.path.insert(0, PYDIR)

import torch  # noqa: E402

from headroom_probe import shapes  # noqa: E402
from headroom_probe.layers import Factory  # noqa: E402
from headroom_probe.mem import Emitter, Mem, parse_need_bytes  # noqa: E402

PLANS = os.path.join(PYDIR, "plans")
PROBE = os.path.join(PYDIR, "probe.py")
PHASES = ["load", "encode", "denoise", "decode"]

# packages/estimator/src/plan.ts: the fields every full Plan carries
PLAN_FIELDS = {
    "params": {"size", "numClip", "inferFrames", "sampleSteps", "sampleGuideScale", "sampleSolver", "offloadModel",
               "convertModelDtype", "fp8", "t5Cpu", "offloadKvCache", "enableOnlineDecode", "loadLora",
               "enableCompile", "quantizeOnCpu", "precision", "audioSeconds", "imageSize"},
    "hardware": {"gpu", "custom", "count", "hostRamGb", "hostLink", "gpuTopology"},
    "parallel": {"mode", "numGpusDit", "enableVaeParallel", "ditFsdp", "t5Fsdp", "ulyssesSize", "fsdpWrap",
                 "fsdpCpuOffload"},
}


def load_plan(name: str) -> dict:
    with open(os.path.join(PLANS, name)) as fh:
        return json.load(fh)


def write_plan(tmp: str, plan: dict, name: str = "plan.json") -> str:
    path = os.path.join(tmp, name)
    with open(path, "w") as fh:
        json.dump(plan, fh)
    return path


def run_probe(plan_path: str, *extra: str, env=None):
    proc = subprocess.run([sys.executable, PROBE, "--plan", plan_path, "--device", "cpu", "--scale", "tiny", *extra],
                          capture_output=True, text=True, timeout=300, env=env)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc, events


class TinyEndToEnd(unittest.TestCase):
    def test_default_plan_runs_and_emits_a_valid_result(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "result.json")
            proc, events = run_probe(write_plan(tmp, load_plan("h100-704x384-default.json")), "--out", out)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            types = {e["type"] for e in events}
            self.assertTrue({"phase", "memory", "progress", "log", "result"} <= types, types)
            self.assertEqual([e["phase"] for e in events if e["type"] == "memory"], PHASES)
            result = [e for e in events if e["type"] == "result"][-1]
            with open(out) as fh:
                self.assertEqual(json.load(fh)["phases"], result["phases"])
            self.assertIs(result["fits"], True)
            self.assertIsNone(result["oomPhase"])
            for phase in PHASES:
                ph = result["phases"][phase]
                for key in ("allocated", "reserved", "deviceUsed"):
                    self.assertGreater(ph[key], 0, (phase, key))
            self.assertEqual(result["peakAllocated"], max(result["phases"][p]["allocated"] for p in PHASES))
            self.assertGreater(result["secondsPerForward"], 0)
            self.assertEqual(len(result["forwardSeconds"]), result["blocks"] * result["steps"])
            self.assertEqual(result["plan"], load_plan("h100-704x384-default.json"))
            self.assertIn("torchVersion", result)
            self.assertEqual(result["gpu"], "cpu")
            # torch 1.13 has no float8: the probe says so instead of failing
            if not hasattr(torch, "float8_e4m3fn"):
                self.assertFalse(result["fp8"]["applied"])
                self.assertTrue(any("fp8" in n for n in result["notes"]))

    def test_offload_online_decode_t5cpu_plan_runs(self):
        plan = load_plan("rtx4090-384x256-headline.json")
        plan["params"]["enableOnlineDecode"] = True
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--steps", "2", "--quiet")
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            result = events[-1]
            self.assertEqual(result["type"], "result")
            self.assertIs(result["fits"], True, result.get("error"))
            self.assertEqual(len(result["forwardSeconds"]), 2)
            self.assertIsNotNone(result["kvCopySeconds"])
            self.assertFalse(result["kvLayout"]["cond_shared"])

    def test_impossible_cap_reports_oom_instead_of_crashing(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, load_plan("h100-704x384-default.json")), "--cap-gib", "0.0001")
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            result = [e for e in events if e["type"] == "result"][-1]
            self.assertIs(result["fits"], False)
            self.assertEqual(result["oomPhase"], "load")
            self.assertGreater(result["needBytes"], 0)
            self.assertIn("Tried to allocate", result["oomMessage"])
            self.assertIn("load", result["phases"])

    def test_cap_between_phases_names_the_phase_that_overflows(self):
        """A budget that holds the weights but not the KV caches fails in denoise."""
        plan = load_plan("h100-704x384-default.json")
        plan["params"]["inferFrames"] = 400  # a long window: at tiny widths the caches then outweigh the weights
        with tempfile.TemporaryDirectory() as tmp:
            path = write_plan(tmp, plan)
            _, events = run_probe(path, "--quiet")
            ok = events[-1]
            load_peak = ok["phases"]["load"]["allocated"]
            denoise_peak = ok["phases"]["denoise"]["allocated"]
            encode_peak = ok["phases"]["encode"]["allocated"]
            self.assertGreater(denoise_peak, max(load_peak, encode_peak), "the long window must make denoise the largest phase")
            cap = (max(load_peak, encode_peak) + denoise_peak) / 2 / 2**30
            _, events = run_probe(path, "--quiet", "--cap-gib", repr(cap))
            self.assertEqual(events[-1]["oomPhase"], "denoise")


class AllocatorBudget(unittest.TestCase):
    def test_device_cap_leaves_room_for_the_larger_of_context_now_and_the_outside_bytes_expected(self):
        from headroom_probe.mem import GIB, allocator_budget
        cap = int(23.65 * GIB)
        self.assertEqual(allocator_budget(cap, int(0.5 * GIB), "device"), cap - int(0.5 * GIB))
        # upstream's kernels grow to ~1.23 GiB outside the allocator after the cap is set: reserve it up front
        self.assertEqual(allocator_budget(cap, int(0.5 * GIB), "device", int(1.25 * GIB)), cap - int(1.25 * GIB))
        self.assertEqual(allocator_budget(cap, int(1.5 * GIB), "device", int(1.25 * GIB)), cap - int(1.5 * GIB))
        self.assertEqual(allocator_budget(cap, int(0.5 * GIB), "allocator", int(1.25 * GIB)), cap)


class HostAllocCliff(unittest.TestCase):
    def test_measures_a_fresh_and_a_kept_tensor_copy_rate_for_a_small_cache(self):
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        from host_alloc_cliff import BYTES_PER_TOKEN, measure
        row = measure(16, 3)
        self.assertEqual(row["bytes"], 16 * BYTES_PER_TOKEN)
        self.assertGreater(row["freshTensorBytesPerS"], 0)
        self.assertGreater(row["keptTensorBytesPerS"], 0)


class CacheFrees(unittest.TestCase):
    """The probe empties PyTorch's cache where upstream calls torch.cuda.empty_cache() and nowhere else: upstream's own
    run on an H200 kept 40.65 GiB reserved in the encode against 27.35 GiB allocated (data/measurements/
    upstream-attempts/2026-12-04-h200-first-forward-stop.json), where probe 0.3.0 emptied the cache after wav2vec2."""

    def _frees_before_denoise(self, plan: dict):
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--steps", "1")
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        denoise = next(i for i, e in enumerate(events) if e["type"] == "phase" and e.get("phase") == "denoise" and e.get("state") == "start")
        encode_end = next(i for i, e in enumerate(events) if e["type"] == "phase" and e.get("phase") == "encode" and e.get("state") == "end")
        return [(i, e["where"]) for i, e in enumerate(events[:denoise]) if e["type"] == "log" and e.get("message") == "empty_cache"], encode_end

    def test_offload_model_empties_once_after_the_encode(self):
        frees, encode_end = self._frees_before_denoise(load_plan("h100-704x384-default.json"))
        self.assertEqual([where for _, where in frees], ["offload_model: noise_model to the GPU, encoders to the CPU"])
        self.assertGreater(frees[0][0], encode_end)

    def test_without_offload_model_nothing_is_emptied_before_the_denoise(self):
        plan = load_plan("h100-704x384-default.json")
        plan["params"]["offloadModel"] = False
        frees, _ = self._frees_before_denoise(plan)
        self.assertEqual(frees, [])


class KvLayoutAtFullScale(unittest.TestCase):
    """The formulas from the brief and _initialize_kv_cache, computed without allocating."""

    def test_bytes_per_token(self):
        self.assertEqual(shapes.kv_bytes_per_token(shapes.full()), 40 * 2 * 40 * 128 * 2)
        self.assertEqual(shapes.kv_bytes_per_token(shapes.full()), 819_200)

    def test_single_gpu_704x384_48_frames(self):
        kv = shapes.kv_layout("704*384", 48, "single", False)
        tf = (384 // 16) * (704 // 16)
        self.assertEqual(tf, 1056)
        self.assertEqual(kv.window_tokens, (48 // 4) * tf)  # 12,672
        self.assertEqual(kv.caches, 4)
        self.assertEqual(kv.cond_tokens, 2800)
        self.assertEqual(kv.window_bytes_per_cache, 12_672 * 819_200)
        self.assertEqual(kv.bytes_per_cache, (12_672 + 2800) * 819_200)
        # the four step caches share one cond cache on the GPU (shared_cond_cache)
        self.assertTrue(kv.cond_shared)
        self.assertEqual(kv.device_bytes, 4 * 12_672 * 819_200 + 2800 * 819_200)
        self.assertEqual(kv.host_bytes, 0)

    def test_offloaded_caches_live_on_the_host(self):
        kv = shapes.kv_layout("704*384", 48, "single", True)
        self.assertFalse(kv.cond_shared)
        self.assertEqual(kv.host_bytes, 4 * (12_672 + 2800) * 819_200)
        self.assertEqual(kv.device_bytes, (12_672 + 2800) * 819_200)

    def test_tpp_rank_holds_one_cache_with_cond_3000(self):
        # --size 720*400 with the scripts' 720x400 image runs at 704x384: P5's comment "2640" = 2.5 x 1056 tokens
        kv = shapes.kv_layout("720*400", 48, "tpp", False)
        tf = (384 // 16) * (704 // 16)
        self.assertEqual(tf, 1056)
        self.assertEqual(kv.window_tokens, 12_672)
        self.assertEqual(kv.caches, 1)
        self.assertEqual(kv.cond_tokens, 3000)
        self.assertEqual(kv.total_bytes, (12 * tf + 3000) * 819_200)

    def test_window_follows_infer_frames_and_size(self):
        for size, frames, (w, h) in (("384*256", 48, (384, 256)), ("688*368", 48, (640, 384)), ("704*384", 12, (704, 384)),
                                     ("720*400", 48, (704, 384))):
            tf = (h // 16) * (w // 16)
            kv = shapes.kv_layout(size, frames, "single", False)
            self.assertEqual(kv.window_tokens, (frames // 4) * tf, size)
            geo = shapes.geometry(size, frames, shapes.full())
            self.assertEqual(geo.tokens_per_frame, tf)
            self.assertEqual(geo.block_tokens, 3 * tf)

    def test_decode_geometry(self):
        # causal_s2v_pipeline.py ~891-898: the 5-frame reference repeated 73 times, 365 frames -> 92 latents;
        # each clip decodes 92 + 12 latents (~1157-1185) into 413 frames
        geo = shapes.geometry("704*384", 48, shapes.full())
        self.assertEqual(geo.lat_target_frames, 12)
        self.assertEqual(geo.blocks_per_clip, 4)
        self.assertEqual((geo.motion_frames, geo.motion_latent_frames), (365, 92))
        self.assertEqual(geo.decode_latent_frames, 104)
        self.assertEqual(geo.decode_output_frames, 413)
        # causal_s2v_pipeline_tpp.py: one reference frame repeated to 73 -> 19 latents
        tpp = shapes.geometry("704*384", 48, shapes.full(), mode="tpp")
        self.assertEqual((tpp.motion_frames, tpp.motion_latent_frames, tpp.decode_latent_frames), (73, 19, 31))


class GenerationFrame(unittest.TestCase):
    """causal_s2v_pipeline.py get_gen_size / get_size_less_than_area (~349-410, ~587-599): the frame comes from the
    reference image under MAX_AREA_CONFIGS[size] (wan_2_2/configs/__init__.py), sides padded to x64."""

    def test_example_image_runs_at_704x384_under_both_script_sizes(self):
        self.assertEqual(shapes.generation_frame("704*384"), (704, 384))
        self.assertEqual(shapes.generation_frame("720*400"), (704, 384))
        self.assertEqual(shapes.generation_frame("720*400", "720*400"), (704, 384))

    def test_square_and_portrait_images(self):
        self.assertEqual(shapes.generation_frame("704*384", "1024*1024"), (512, 512))
        self.assertEqual(shapes.generation_frame("704*384", "1080*1920"), (384, 704))
        self.assertEqual(shapes.generation_frame("384*256", "720*400"), (384, 256))

    def test_a_small_image_is_padded_not_upscaled(self):
        self.assertEqual(shapes.generation_frame("720*1280", "720*400"), (768, 448))

    def test_no_frame_exceeds_the_area_and_sides_are_multiples_of_64(self):
        for size, area in shapes.MAX_AREA.items():
            for image in ("720*400", "1080*1920", "333*777", "4000*3000", "64*64"):
                w, h = shapes.generation_frame(size, image)
                self.assertEqual((w % 64, h % 64), (0, 0), (size, image))
                self.assertLessEqual(w * h, area, (size, image))

    def test_no_image_reaches_the_2813_cond_tokens_at_720x400(self):
        for image in ("720*400", "400*720", "537*537", "1920*1080", "700*410"):
            w, h = shapes.generation_frame("720*400", image)
            self.assertLessEqual(math.ceil(2.5 * (w // 16) * (h // 16)), 2800, image)


class AudioEmbedding(unittest.TestCase):
    """audio_emb [1, 25, 1024, frames] bf16 stays on the GPU for the whole run (encode_audio, get_audio_embed_bucket_fps)."""

    def test_bytes_per_video_frame_and_padding_to_whole_clips(self):
        self.assertEqual(shapes.audio_emb_frames(60, 48), (1500 // 48 + 1) * 48)
        self.assertEqual(shapes.audio_emb_bytes(60, 48), 25 * 1024 * 2 * 1536)
        self.assertAlmostEqual(shapes.audio_emb_bytes(600, 48) / 2**30, 0.72, places=2)


class ModelShapes(unittest.TestCase):
    """Parameter counts of the emulated models, built on the meta device (nothing allocated)."""

    def setUp(self):
        self.f = Factory(Mem(torch.device("cpu"), None, Emitter(quiet=True)), meta=True)

    def test_dit_parameter_count(self):
        from headroom_probe.dit import DiT

        d = shapes.full()
        dit = DiT(self.f, d)
        self.assertEqual(sum(p.numel() for p in dit.parameters()), 16_295_755_609)
        self.assertEqual(shapes.block_params(5120, 13824), 351_394_304)
        self.assertEqual(len(dit.linears()), 460)
        self.assertAlmostEqual(shapes.dit_param_counts(d)["linear"] / 1e9, 15.94, places=2)
        self.assertAlmostEqual(shapes.lora_params(d) / 1e6, 676, delta=1)

    def test_encoder_and_vae_parameter_counts(self):
        from headroom_probe.encoders import T5Encoder, Wav2Vec2
        from headroom_probe.vae import WanVAE

        d = shapes.full()
        self.assertEqual(T5Encoder(self.f, d).param_count(), 5_680_910_336)
        self.assertAlmostEqual(sum(p.numel() for p in Wav2Vec2(self.f, d).parameters()) / 1e6, 315.4, delta=0.5)
        vae = WanVAE(self.f)
        self.assertEqual(vae.param_count(), 126_892_531)
        self.assertAlmostEqual(sum(p.numel() for p in vae.decoder.parameters()) / 1e6, 73.3, delta=0.1)


class Parsing(unittest.TestCase):
    def test_need_bytes_from_a_cuda_message(self):
        msg = ("CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 79.18 GiB of which "
               "1.02 GiB is free.")
        self.assertEqual(parse_need_bytes(msg), int(2.5 * 2**30))
        self.assertEqual(parse_need_bytes("Tried to allocate 20.00 MiB"), 20 * 2**20)
        self.assertIsNone(parse_need_bytes("something else"))

    def test_shipped_plans_are_full_plans(self):
        with open(os.path.join(PLANS, "manifest.json")) as fh:
            manifest = json.load(fh)
        self.assertGreaterEqual(len(manifest), 12)
        names = [n for n in os.listdir(PLANS) if n.endswith(".json") and n != "manifest.json"]
        for name in names:
            plan = load_plan(name)
            self.assertEqual(plan["model"], "liveavatar-1.0", name)
            for section, fields in PLAN_FIELDS.items():
                self.assertEqual(set(plan[section]), fields, (name, section))
        for entry in manifest:
            self.assertTrue(os.path.exists(os.path.join(PLANS, entry["plan"])), entry)

    def test_every_batch_manifest_names_full_plans_that_exist(self):
        dirs = [d for d in os.listdir(PYDIR) if d.startswith("plans") and os.path.exists(os.path.join(PYDIR, d, "manifest.json"))]
        self.assertIn("plans-instrument", dirs)
        for d in dirs:
            with open(os.path.join(PYDIR, d, "manifest.json")) as fh:
                for entry in json.load(fh):
                    path = os.path.join(PYDIR, d, entry["plan"])
                    self.assertTrue(os.path.exists(path), (d, entry["id"]))
                    with open(path) as pf:
                        plan = json.load(pf)
                    for section, fields in PLAN_FIELDS.items():
                        self.assertEqual(set(plan[section]), fields, (d, entry["id"], section))


class Batch(unittest.TestCase):
    def test_batch_runs_each_plan_in_its_own_process(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "m")
            combined = os.path.join(tmp, "all.json")
            proc = subprocess.run(
                [sys.executable, os.path.join(PYDIR, "measure_batch.py"), "--plans", PLANS, "--out", out,
                 "--combined", combined, "--device", "cpu", "--scale", "tiny",
                 "--only", "rtx4090-384x256-oom-load,h100-704x384-if12"],
                capture_output=True, text=True, timeout=600)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            with open(combined) as fh:
                records = json.load(fh)
            self.assertEqual([r["id"] for r in records], ["rtx4090-384x256-oom-load", "h100-704x384-if12"])
            for rec in records:
                for key in ("command", "date", "gpu", "torchVersion", "capBytes", "plan", "ranks"):
                    self.assertIn(key, rec)
                self.assertIn("probe.py", rec["command"])
                self.assertTrue(rec["date"].endswith("Z"))
                self.assertEqual(rec["ranks"][0]["rank"], 0)
                self.assertTrue(os.path.exists(os.path.join(out, rec["id"] + ".json")))
            # tiny shapes under a 23.65 GiB cap fit: the cap is exercised by the OOM test above
            self.assertIs(records[1]["ranks"][0]["fits"], True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TppOnCpu(unittest.TestCase):
    def test_five_ranks_with_gloo(self):
        """TPP: four DiT ranks pass latents along, rank 4 decodes (gloo, one process per rank)."""
        import torch.distributed as dist

        self.assertTrue(dist.is_available() and dist.is_gloo_available(), "torch.distributed with gloo is needed for the TPP test")
        with tempfile.TemporaryDirectory() as tmp:
            results = _run_ranks(tmp, _tpp5_plan(), 5)
        for r in results:
            self.assertIs(r["fits"], True, r.get("error"))
        self.assertEqual([r["role"] for r in results], ["dit"] * 4 + ["vae"])


class SharedGpuLayout(unittest.TestCase):
    """TPP's 5 ranks on 4 GPUs: rank 4 shares GPU 0 and talks over gloo."""

    def test_ranks_map_onto_fewer_devices(self):
        from headroom_probe.comm import layout_for

        lay = layout_for(5, 4)
        self.assertTrue(lay.is_shared)
        self.assertEqual([lay.device_index(r) for r in range(5)], [0, 1, 2, 3, 0])
        self.assertEqual(lay.owner_ranks(), [0, 1, 2, 3])
        self.assertEqual([lay.shares_device(r) for r in range(5)], [True, False, False, False, True])
        one_each = layout_for(5, None)
        self.assertFalse(one_each.is_shared)
        self.assertEqual([one_each.device_index(r) for r in range(5)], [0, 1, 2, 3, 4])
        self.assertFalse(any(one_each.shares_device(r) for r in range(5)))
        self.assertFalse(layout_for(4, 4).is_shared)

    def test_five_ranks_on_four_devices_with_gloo(self):
        """The VAE rank runs beside DiT rank 0; latents reach it as CPU copies; every rank reports its link."""
        with tempfile.TemporaryDirectory() as tmp:
            results = _run_ranks(tmp, _tpp5_plan(), 5, "--gpus", "4")
        self.assertEqual([r["role"] for r in results], ["dit"] * 4 + ["vae"])
        for r in results:
            self.assertIs(r["fits"], True, r.get("error"))
            self.assertEqual(r["comm"]["world"], 5)
            self.assertEqual(r["comm"]["gpus"], 4)
            self.assertFalse(r["comm"]["inNccl"])  # CPU: gloo everywhere
        self.assertEqual([r["comm"]["deviceIndex"] for r in results], [0, 1, 2, 3, 0])
        self.assertEqual([r["comm"]["sharesDevice"] for r in results], [True, False, False, False, True])
        self.assertGreater(results[4]["decodeSeconds"], 0)  # it received every block and decoded it


class HostRam(unittest.TestCase):
    def test_peak_rss_resets_per_phase(self):
        from headroom_probe import hostmem

        self.assertIsNotNone(hostmem.rss_bytes())
        big = torch.ones(64 * 2**20)  # 256 MiB, touched
        high = hostmem.peak_rss_bytes()
        del big
        self.assertTrue(hostmem.reset_peak_rss(), "Linux lets a process reset its own VmHWM")
        self.assertLess(hostmem.peak_rss_bytes(), high - 128 * 2**20)

    def test_result_reports_host_ram_and_the_offloaded_kv_bytes(self):
        plan = load_plan("rtx4090-384x256-headline.json")  # offload_kv_cache: four step caches on the host
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--steps", "2", "--quiet")
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        host = events[-1]["host"]
        kv = shapes.kv_layout(plan["params"]["size"], plan["params"]["inferFrames"], "single", True, shapes.tiny())
        self.assertGreater(kv.host_bytes, 0)
        self.assertEqual(host["kvCacheHostBytes"], kv.host_bytes)
        self.assertGreaterEqual(host["probeDataBytesPeak"], kv.host_bytes)  # all four caches sit on the host at once
        self.assertGreater(host["startRssBytes"], 0)
        self.assertGreaterEqual(host["peakRssBytes"], host["startRssBytes"])
        self.assertEqual(list(host["phases"]), PHASES)
        self.assertTrue(host["perPhasePeaks"])
        for reading in host["phases"].values():
            self.assertLessEqual(reading["peakRssBytes"], host["peakRssBytes"])
        self.assertIsNone(host["pinned"])  # no CUDA here; on a GPU: torch's pinned host allocator

    def test_no_offload_keeps_no_kv_on_the_host(self):
        with tempfile.TemporaryDirectory() as tmp:
            _, events = run_probe(write_plan(tmp, load_plan("h100-704x384-if12.json")), "--blocks", "1", "--quiet")
        self.assertEqual(events[-1]["host"]["kvCacheHostBytes"], 0)


class Clips(unittest.TestCase):
    def test_clips_in_sequence_decode_every_clip_and_keep_its_frames(self):
        """--clips 3: each clip's latents go to the CPU, each clip is decoded, the frames are kept (clip 0: 3 fewer)."""
        plan = load_plan("h100-704x384-default.json")  # infer_frames 48: 12 latent frames, 4 blocks per clip
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--steps", "2", "--clips", "3",
                                     "--clip-blocks", "1", "--clip-steps", "1")
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        result = events[-1]
        self.assertIs(result["fits"], True, result.get("error"))
        self.assertEqual((result["clips"], result["clipBlocks"], result["clipSteps"]), (3, 1, 1))
        self.assertEqual(len(result["forwardSeconds"]), 2)  # clip 0's timed forwards only
        progress = [e for e in events if e["type"] == "progress" and e["phase"] == "denoise"]
        self.assertEqual(len(progress), 1 + 2 + 2 * 1)  # warm-up, clip 0's block, one forward in each later clip
        # each forward names where it sits, so the job page says "warm-up" / "block 1/1 · step 2/2", not only "forward n/total"
        where = [(e["clip"], e["block"], e["step"], e["steps"]) for e in progress]
        self.assertEqual(where, [(0, 0, 1, 1), (0, 1, 1, 2), (0, 1, 2, 2), (1, 1, 1, 1), (2, 1, 1, 1)])
        self.assertEqual(len(result["decodeSecondsPerClip"]), 3)
        self.assertIsNotNone(result["reencodeSeconds"])
        frames = result["host"]["frames"]
        g = shapes.geometry(plan["params"]["size"], 48, shapes.tiny())
        self.assertEqual(frames["frames"], 3 * 48 - 3)
        self.assertEqual(frames["shape"], [1, 3, 3 * 48 - 3, g.height, g.width])
        self.assertEqual(frames["dtype"], "torch.float32")
        self.assertEqual(frames["framesBytes"], (3 * 48 - 3) * 3 * g.height * g.width * 4)
        self.assertEqual(frames["latentBytesPerClip"], 16 * g.lat_target_frames * g.lat_h * g.lat_w * 2)
        self.assertEqual(frames["copiesAtPeak"], 4)
        self.assertGreater(frames["rssAtSavePeakBytes"], 0)
        self.assertEqual(len(frames["rssAfterClipBytes"]), 3)
        # the frames list and its concatenation live together on the host
        self.assertGreaterEqual(result["host"]["probeDataBytesPeak"], 2 * frames["framesBytes"])

    def test_one_clip_keeps_infer_frames_less_three(self):
        with tempfile.TemporaryDirectory() as tmp:
            _, events = run_probe(write_plan(tmp, load_plan("h100-704x384-if12.json")), "--blocks", "1", "--quiet")
        self.assertEqual(events[-1]["host"]["frames"]["frames"], 12 - 3)
        self.assertEqual(events[-1]["clips"], 1)

    def test_several_clips_refused_where_not_emulated(self):
        plan = load_plan("rtx4090-384x256-headline.json")
        plan["params"]["enableOnlineDecode"] = True
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--clips", "2", "--quiet")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("--clips > 1", events[-1]["error"])

    def test_save_video_holds_four_fp32_copies_at_its_peak(self):
        """save_video(video[None]): clamp, make_grid's per-frame clones, their stack: 3 copies beside `video`."""
        from headroom_probe import hostmem
        from headroom_probe.frames import FRAME_COPIES_AT_PEAK, save_video_preprocess

        video = torch.rand(3, 64, 256, 256) * 2 - 1  # 48 MiB fp32, touched
        size = video.numel() * 4
        base = hostmem.rss_bytes()
        self.assertTrue(hostmem.reset_peak_rss())
        u8 = save_video_preprocess(video)
        extra = hostmem.peak_rss_bytes() - base
        self.assertEqual(u8.dtype, torch.uint8)
        self.assertEqual(tuple(u8.shape), (64, 256, 256, 3))
        self.assertGreater(extra, (FRAME_COPIES_AT_PEAK - 1.3) * size)
        self.assertLess(extra, (FRAME_COPIES_AT_PEAK - 0.6) * size)


class UpstreamVae(unittest.TestCase):
    """What upstream's VAE and its final decode loop do to memory, mirrored since probe 0.5.0."""

    def test_a_measured_step_reports_its_own_peak_and_the_phase_keeps_its_own(self):
        mem = Mem(torch.device("cpu"), None, Emitter(quiet=True))
        mem.reset_peak()
        big = mem.alloc((1000,), torch.float32)  # 4,000 bytes
        del big
        resident = mem.alloc((100,), torch.float32)  # 400 bytes stay

        def step():
            transient = mem.alloc((200,), torch.float32)  # 800 bytes during the step
            return transient.numel()

        out, held = mem.measure_step(step)
        self.assertEqual(out, 200)
        self.assertEqual(held, {"allocatedBefore": 400, "peakAllocated": 1200})
        self.assertEqual(mem.phase_peaks()["allocated"], 4000)  # the tensor freed before the step, not the step's 1,200
        mem.reset_peak()
        self.assertEqual(mem.phase_peaks()["allocated"], 400)
        del resident

    def test_encode_and_decode_run_under_autocast_as_wan2_1_vae_does(self):
        from headroom_probe.vae import WanVAE

        vae = WanVAE(Factory(Mem(torch.device("cpu"), None, Emitter(quiet=True))), dim=8, z_dim=16)
        seen = []
        for part in (vae.encoder, vae.decoder):
            part.register_forward_pre_hook(lambda module, args: seen.append((type(module).__name__, torch.is_autocast_cpu_enabled())))
        mu = vae.encode(torch.zeros(1, 3, 5, 32, 32, dtype=torch.bfloat16))
        frames = vae.decode(torch.zeros(1, 16, 2, 4, 4))
        self.assertEqual(sorted(set(seen)), [("Decoder3d", True), ("Encoder3d", True)])
        self.assertFalse(torch.is_autocast_cpu_enabled())
        self.assertEqual((mu.dtype, list(mu.shape)), (torch.float32, [1, 16, 2, 4, 4]))
        self.assertEqual((frames.dtype, list(frames.shape)), (torch.float32, [1, 3, 5, 32, 32]))

    def test_the_previous_clips_frames_stay_through_the_next_decode(self):
        """generate() rebinds `image` only when the next decode returns: clip k-1's decode is alive during clip k's."""
        import inspect

        from headroom_probe import cli, vae as vae_module

        held = []
        decode = vae_module.WanVAE.decode

        def spy(self, z, sample=None):
            caller = inspect.currentframe().f_back
            while caller is not None and caller.f_code.co_name != "_decode_clips":
                caller = caller.f_back
            if caller is not None:
                previous = caller.f_locals.get("image")
                held.append(None if previous is None else list(previous.shape))
            return decode(self, z, sample)

        vae_module.WanVAE.decode = spy
        tmp_result = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp_result, True)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                args = ["--plan", write_plan(tmp, load_plan("h100-704x384-default.json")), "--device", "cpu", "--scale", "tiny",
                        "--blocks", "1", "--steps", "1", "--clips", "3", "--clip-blocks", "1", "--clip-steps", "1", "--quiet",
                        "--out", os.path.join(tmp_result, "result.json")]
                with contextlib.redirect_stdout(io.StringIO()):
                    self.assertEqual(cli.main(args), 0)
        finally:
            vae_module.WanVAE.decode = decode
        g = shapes.geometry("704*384", 48, shapes.tiny())
        self.assertEqual(held, [None, [1, 3, 48 - 3, g.height, g.width], [1, 3, 48, g.height, g.width]])
        with open(os.path.join(tmp_result, "result.json")) as fh:
            steps = json.load(fh)["vaeSteps"]
        self.assertEqual([(v["step"], v["clip"]) for v in steps], [(s, c) for c in (1, 2, 3) for s in ("decode", "reencode")])


class WindowSmallerThanABlock(unittest.TestCase):
    def test_infer_frames_1_is_reported_not_crashed(self):
        """FR-26's infer_frames 1: (1+3+73)//4-19 = 0 latent frames upstream, nothing to denoise."""
        plan = load_plan("h100-704x384-default.json")
        plan["params"]["inferFrames"] = 1
        with tempfile.TemporaryDirectory() as tmp:
            proc, events = run_probe(write_plan(tmp, plan), "--blocks", "1", "--quiet")
        self.assertEqual(proc.returncode, 1)
        result = events[-1]
        self.assertIsNone(result["fits"])
        self.assertIn("smaller than one 3-frame block", result["error"])
        self.assertTrue(any("0 latent frames" in n for n in result["notes"]))


def _tpp5_plan() -> dict:
    """Four DiT ranks and a VAE rank, models kept on their devices."""
    plan = load_plan("h100-704x384-default.json")
    plan["hardware"]["count"] = 5
    plan["parallel"].update(mode="tpp", numGpusDit=4, enableVaeParallel=True)
    plan["params"]["offloadModel"] = False
    return plan


def _run_ranks(tmp: str, plan: dict, world: int, *extra: str) -> list:
    path = write_plan(tmp, plan)
    out = os.path.join(tmp, "r.json")
    port = str(_free_port())
    procs = []
    for rank in range(world):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=port, WORLD_SIZE=str(world), RANK=str(rank),
                   LOCAL_RANK=str(rank))
        procs.append(subprocess.Popen([sys.executable, PROBE, "--plan", path, "--device", "cpu", "--scale", "tiny",
                                       "--quiet", "--blocks", "1", "--out", out, *extra],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate(timeout=300)
        if p.returncode != 0:
            raise AssertionError(err[-2000:])
    results = []
    for rank in range(world):
        with open(os.path.join(tmp, f"r.rank{rank}.json")) as fh:
            results.append(json.load(fh))
    return results


if __name__ == "__main__":
    unittest.main()
