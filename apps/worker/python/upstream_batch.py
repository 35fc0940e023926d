"""Runs several upstream-harness configurations, each in its own process (an OOM or a crash cannot poison the next),
within a time budget, and writes one combined JSON array after every run.

    python3 upstream_batch.py --out /tmp/u --combined $OUT/upstream.json --budget-s 540 [--only id,id] [--stop-on-error]
        [--shared-compile-cache]

--only runs the named ids in the order given. --stop-on-error ends the batch at the first run that failed other than by
an OOM or a timeout (a harness gap would fail every later run the same way, spending device time for nothing).
--shared-compile-cache gives every run one inductor/triton cache: only the first compiled run pays a cold compile (its
compileSeconds is the first-run cost; later runs' entries say "compileCache": "warm").
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

# the RTX 4090 headline's levers (README), eager, at the card's 23.65 GiB
RTX4090_LEVERS = ["--quantize-on-cpu", "--offload-kv-cache", "--t5-cpu", "--compile", "off", "--cap-gib", "23.65", "--clips", "2"]
EXPANDABLE = ["--alloc-conf", "expandable_segments:True"]
DEFAULT = []  # infinite_inference_single_gpu.sh: fp8, ENABLE_COMPILE=true, offload_model, 704*384, 48 frames, 4 steps
RUNS = [  # in priority order: a budget-limited batch runs the first ones (eager first: compile's first run is minutes)
    ("704x384-eager-c2", ["--compile", "off", "--clips", "2"]),
    ("704x384-c2", DEFAULT + ["--clips", "2"]),
    ("704x384-bf16-eager-c2", ["--fp8", "off", "--compile", "off", "--clips", "2"]),
    # 704x384-eager-c2 with torch SDPA in place of upstream's cuDNN self-attention: their forwards' ratio is the
    # "cuDNN attention" factor (eager, so no compile minutes; the kernel SDPA picked is the result's sdpaBackend)
    ("704x384-eager-sdpa-c2", ["--compile", "off", "--self-attention", "sdpa", "--clips", "2"]),
    # the RTX 4090 headline plans (README) on upstream's code: eager (compile's memory checked by 704x384-c2 against
    # 704x384-eager-c2), 2 clips so the previous clip's frames wait beside the next decode
    ("384x256-q8cpu-offloadkv-t5cpu-eager-cap24", ["--size", "384*256", *RTX4090_LEVERS]),
    ("704x384-if12-q8cpu-offloadkv-t5cpu-eager-cap24", ["--infer-frames", "12", *RTX4090_LEVERS]),
    # the same with PyTorch's expandable segments: upstream's OOMs above left 0.93 / 1.21 GiB reserved but unusable
    ("384x256-q8cpu-offloadkv-t5cpu-eager-cap24-expandable", ["--size", "384*256", *RTX4090_LEVERS, *EXPANDABLE]),
    ("384x256-if12-q8cpu-offloadkv-t5cpu-eager-cap24", ["--size", "384*256", "--infer-frames", "12", *RTX4090_LEVERS]),
    ("384x256-if12-q8cpu-offloadkv-t5cpu-eager-cap24-expandable",
     ["--size", "384*256", "--infer-frames", "12", *RTX4090_LEVERS, *EXPANDABLE]),
    # the headline's levers as the scripts run them (compiled), with expandable segments
    ("384x256-q8cpu-offloadkv-t5cpu-cap24-expandable",
     ["--size", "384*256", "--quantize-on-cpu", "--offload-kv-cache", "--t5-cpu", "--cap-gib", "23.65", "--clips", "2", *EXPANDABLE]),
    # the same at a real 24 GB card's limit: the allocator capped at 23.65 less the 1.25 GiB upstream's kernels hold
    # outside it once loaded (without --outside-gib the cap leaves that growth uncounted: the run above held 24.13)
    ("384x256-q8cpu-offloadkv-t5cpu-cap24-expandable-outside",
     ["--size", "384*256", "--quantize-on-cpu", "--offload-kv-cache", "--t5-cpu", "--cap-gib", "23.65", "--outside-gib", "1.25",
      "--clips", "2", *EXPANDABLE]),
    ("384x256-if12-q8cpu-offloadkv-t5cpu-cap24-outside",
     ["--size", "384*256", "--infer-frames", "12", "--quantize-on-cpu", "--offload-kv-cache", "--t5-cpu", "--cap-gib", "23.65",
      "--outside-gib", "1.25", "--clips", "2"]),
    ("704x384-offloadkv-t5cpu-cap24", ["--offload-kv-cache", "--t5-cpu", "--cap-gib", "23.65", "--clips", "2"]),
    ("704x384-c2-cap44", ["--cap-gib", "44.39", "--clips", "2"]),
    ("704x384-c2-cap31", ["--cap-gib", "31.36", "--clips", "2"]),
    ("704x384-c2-cap79", ["--cap-gib", "79.18", "--clips", "2"]),
    ("704x384-bf16-c2", ["--fp8", "off", "--clips", "2"]),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--combined", required=True)
    ap.add_argument("--budget-s", type=float, default=540)
    ap.add_argument("--timeout-s", type=float, default=300)
    ap.add_argument("--min-s", type=float, default=60, help="do not start a run with less budget left than this")
    ap.add_argument("--only", default=None, help="comma-separated run ids, run in this order")
    ap.add_argument("--stop-on-error", action="store_true")
    ap.add_argument("--shared-compile-cache", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    runs = select_runs(args.only.split(",") if args.only else None)
    t0 = time.monotonic()
    combined = []
    compiled_before = False
    for rid, flags in runs:
        left = args.budget_s - (time.monotonic() - t0)
        if left < args.min_s:
            print(f"[batch] skip {rid}: {left:.0f} s left", flush=True)
            combined.append({"id": rid, "skipped": f"budget: {left:.0f} s left"})
            continue
        out = os.path.join(args.out, rid + ".json")
        cmd = [sys.executable, "-m", "headroom_upstream", *flags, "--out", out, "--quiet"]
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"[batch] {rid}: {' '.join(cmd[1:])} (timeout {min(args.timeout_s, left):.0f} s)", flush=True)
        start = time.monotonic()
        # a cold compile cache per run: compileSeconds is what a first run of that configuration pays
        cache = "shared" if args.shared_compile_cache else rid
        env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=f"/tmp/inductor-{cache}", TRITON_CACHE_DIR=f"/tmp/triton-{cache}")
        code, stdout, stderr = run_with_timeout(cmd, env, min(args.timeout_s, left))
        result = None
        if os.path.exists(out):
            with open(out) as fh:
                result = json.load(fh)
        else:
            lines = [json.loads(x) for x in stdout.splitlines() if x.startswith('{"type": "result"')]
            result = lines[-1] if lines else None
        entry = {"id": rid, "command": "python3 -m headroom_upstream " + " ".join(flags), "date": date,
                 "exitCode": code, "seconds": round(time.monotonic() - start, 1), "result": result,
                 "stderrTail": stderr[-3000:]}
        if compiles(flags):
            entry["compileCache"] = "warm" if args.shared_compile_cache and compiled_before else "cold"
            compiled_before = True
        combined.append(entry)
        r = result or {}
        gib = lambda b: round(b / 2 ** 30, 2) if b else None  # noqa: E731
        print(f"[batch] {rid}: exit {code}, {entry['seconds']} s, fits {r.get('fits')}, oom {r.get('oomPhase')}, "
              f"peaks {[ (p, gib(v.get('deviceUsed'))) for p, v in (r.get('phases') or {}).items()]}, "
              f"s/fwd {r.get('secondsPerForward')}, s/step {r.get('secondsPerStep')}, compile {r.get('compileSeconds')}, "
              f"decode {r.get('decodeSecondsPerClip')}, reencode {r.get('reencodeSecondsPerClip')}, err {str(r.get('error'))[:300]}",
              flush=True)
        with open(args.combined, "w") as fh:
            json.dump(combined, fh, default=str)
        if args.stop_on_error and failed_other_than_oom(code, result):
            print(f"[batch] stop: {rid} failed (exit {code}) other than by an OOM or a timeout", flush=True)
            break
    return 0


def run_with_timeout(cmd, env, timeout_s: float, grace_s: float = 20.0):
    """(exit code, stdout, stderr); at the timeout the run gets SIGTERM and grace_s to write what it measured so far
    (the harness turns SIGTERM into an error result), then SIGKILL. A timed-out run's code is 124."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
        return proc.returncode, stdout, stderr
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            stdout, stderr = proc.communicate(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        return 124, stdout or "", stderr or ""


def select_runs(only):
    if not only:
        return list(RUNS)
    flags = dict(RUNS)
    unknown = [rid for rid in only if rid not in flags]
    if unknown:
        raise SystemExit(f"unknown run ids: {', '.join(unknown)} (known: {', '.join(flags)})")
    return [(rid, flags[rid]) for rid in only]


def compiles(flags) -> bool:
    return not any(a == "--compile" and b == "off" for a, b in zip(flags, flags[1:]))


def failed_other_than_oom(code: int, result) -> bool:
    if code in (0, 124):
        return False
    return not (result and result.get("oomPhase"))


if __name__ == "__main__":
    sys.exit(main())
