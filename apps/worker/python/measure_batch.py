#!/usr/bin/env python3
"""Run the probe over many plans, one subprocess each (an OOM cannot poison the next), and keep every result.

    python3 measure_batch.py --plans plans --out OUT/m [--combined OUT/measurements.json]
        [--only id1,id2] [--device cuda|cpu] [--scale full|tiny] [--budget-s 480] [--timeout-s 150]

--plans is a directory: if it holds manifest.json ([{id, plan, capGib, steps, blocks, nproc, gpus?, emulation?, description}]) that
list is run in order; otherwise every *.json in it is a Plan, capped to its GPU's usable memory. Without --plans
the built-in list (BUILTIN) is used. Writes OUT/<id>.json per plan and, after every plan, the combined array.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "probe.py")

BUILTIN: List[Dict[str, Any]] = [
    {"id": "h100-704x384-default", "plan": "h100-704x384-default.json", "capGib": None},
]

KEEP_EVENTS = ("phase", "memory", "log", "error")


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_entries(plans_dir: Optional[str]) -> List[Dict[str, Any]]:
    if not plans_dir:
        return [dict(e, plan=os.path.join(HERE, "plans", e["plan"])) for e in BUILTIN]
    manifest = os.path.join(plans_dir, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as fh:
            entries = json.load(fh)
        return [dict(e, plan=os.path.join(plans_dir, e["plan"])) for e in entries]
    out = []
    for name in sorted(os.listdir(plans_dir)):
        if name.endswith(".json"):
            out.append({"id": name[:-5], "plan": os.path.join(plans_dir, name), "capGib": "plan"})
    return out


def gpu_facts() -> Dict[str, Any]:
    try:
        import torch

        facts = {"torchVersion": torch.__version__, "cudaVersion": torch.version.cuda}
        if torch.cuda.is_available():
            facts["gpu"] = torch.cuda.get_device_name(0)
            facts["gpuCount"] = torch.cuda.device_count()
            facts["totalMemory"] = torch.cuda.get_device_properties(0).total_memory
        else:
            facts["gpu"] = "cpu"
        return facts
    except Exception as exc:  # noqa: BLE001
        return {"gpu": "unknown", "torchVersion": None, "factsError": str(exc)}


def rank_summary(r: Dict[str, Any]) -> Dict[str, Any]:
    phases = {name: {k: ph.get(k) for k in ("allocated", "reserved", "deviceUsed", "seconds")}
              for name, ph in r.get("phases", {}).items()}
    keep = ("rank", "role", "peakAllocated", "peakReserved", "peakDeviceUsed", "fits", "oomPhase", "needBytes",
            "oomMessage", "error", "secondsPerForward", "forwardSeconds", "secondsPerStep", "kvCopySeconds",
            "decodeSeconds", "decodeSecondsPerClip", "reencodeSeconds", "reencodeSecondsPerClip", "vaeSteps", "allocatorCapBytes", "contextBytes", "totalMemory", "fp8", "dit", "attention",
            "ropeFreqDtype", "geometry", "kvLayout", "notes", "wallSeconds", "gpu", "torchVersion", "device",
            "deviceUsedSource", "comm", "host", "audioSeconds", "audioEmbBytes")
    out = {k: r.get(k) for k in keep}
    out["phases"] = phases
    return out


def run_entry(entry: Dict[str, Any], args, out_dir: str, facts: Dict[str, Any]) -> Dict[str, Any]:
    eid = entry["id"]
    with open(entry["plan"]) as fh:
        plan = json.load(fh)
    raw_dir = os.path.join(out_dir, "raw")
    os.makedirs(raw_dir, exist_ok=True)
    result_path = os.path.join(raw_dir, f"{eid}.result.json")
    nproc = int(entry.get("nproc", 1))
    probe_args = ["--plan", entry["plan"], "--out", result_path]
    cap = entry.get("capGib", "plan")
    if cap is not None:
        probe_args += ["--cap-gib", str(cap)]
    for key, flag in (("steps", "--steps"), ("blocks", "--blocks"), ("audioSeconds", "--audio-seconds"), ("gpus", "--gpus"),
                      ("clips", "--clips"), ("clipBlocks", "--clip-blocks"), ("clipSteps", "--clip-steps")):
        if entry.get(key) is not None:
            probe_args += [flag, str(entry[key])]
    if args.device:
        probe_args += ["--device", args.device]
    if args.scale:
        probe_args += ["--scale", args.scale]
    if nproc > 1:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc),
               PROBE] + probe_args
    else:
        cmd = [sys.executable, PROBE] + probe_args
    env = dict(os.environ, PYTHONUNBUFFERED="1", NCCL_NVLS_ENABLE="0", TORCH_SYMM_MEM_DISABLE_MULTICAST="1",
               NVSHMEM_DISABLE_NVLS="1")
    started = utc_now()
    t0 = time.time()
    events: List[Dict[str, Any]] = []
    stderr_tail = ""
    try:
        proc = subprocess.run(cmd, cwd=HERE, env=env, capture_output=True, text=True, timeout=args.timeout_s)
        code = proc.returncode
        stdout, stderr_tail = proc.stdout, proc.stderr[-3000:]
    except subprocess.TimeoutExpired as exc:
        code = "timeout"
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stderr_tail = (exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or ""))[-3000:]
    wall = time.time() - t0
    results: Dict[int, Dict[str, Any]] = {}
    for line in stdout.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("type") == "result":
            results[int(ev.get("rank", 0))] = ev
        elif ev.get("type") in KEEP_EVENTS:
            events.append(ev)
    # The result files are authoritative: several ranks writing long lines to one pipe can interleave them.
    for r in range(nproc):
        path = result_path if nproc == 1 else os.path.splitext(result_path)[0] + f".rank{r}.json"
        if os.path.exists(path):
            try:
                with open(path) as fh:
                    results[r] = dict(json.load(fh), rank=r)
            except ValueError:
                pass
    ranks = [rank_summary(results[r]) for r in sorted(results)]
    if nproc > 1:
        for r in range(nproc):
            if r not in results:
                ranks.append({"rank": r, "fits": None, "error": "no result: the rank was ended (another rank failed "
                              "or the batch timed out)", "phases": {}})
        ranks.sort(key=lambda x: x["rank"])
    any_r = next(iter(results.values()), {})
    rec = {
        "id": eid,
        "description": entry.get("description"),
        "command": display_command(cmd),
        "date": started,
        "gpu": any_r.get("gpu", facts.get("gpu")),
        "gpuCount": facts.get("gpuCount"),
        "torchVersion": any_r.get("torchVersion", facts.get("torchVersion")),
        "cudaVersion": any_r.get("cudaVersion", facts.get("cudaVersion")),
        "capGib": cap if cap != "plan" else None,
        "capBytes": any_r.get("capBytes"),
        "capMode": any_r.get("capMode"),
        "instrument": any_r.get("instrument") or {"kind": "probe", "version": any_r.get("probeVersion")},
        "probe": {"version": any_r.get("probeVersion"), "scale": any_r.get("scale"), "steps": any_r.get("steps"),
                  "blocks": any_r.get("blocks"), "clips": any_r.get("clips"), "clipBlocks": any_r.get("clipBlocks"),
                  "clipSteps": any_r.get("clipSteps")},
        "plan": plan,
        **({"emulation": entry["emulation"]} if entry.get("emulation") else {}),
        "ranks": ranks,
        "exitCode": code,
        "wallSeconds": round(wall, 2),
        "events": events,
        "stderrTail": stderr_tail if (code not in (0,) or not results) else "",
    }
    with open(os.path.join(out_dir, f"{eid}.json"), "w") as fh:
        json.dump(rec, fh, indent=2)
    return rec


def display_command(cmd: List[str]) -> str:
    """The command as run from apps/worker/python (interpreter as python3, paths relative to this folder)."""
    out = []
    for c in cmd:
        if c == sys.executable:
            c = "python3"
        elif os.path.isabs(c) and c.startswith(HERE + os.sep):
            c = os.path.relpath(c, HERE)
        elif os.sep in c and not os.path.isabs(c):
            c = os.path.normpath(c)
        out.append(shlex.quote(c))
    return " ".join(out)


def gib(n: Optional[float]) -> str:
    return "-" if n is None else f"{n / 2**30:6.2f}"


def summary_line(rec: Dict[str, Any]) -> str:
    parts = []
    for r in rec["ranks"]:
        ph = r.get("phases", {})
        cells = " ".join(f"{p}={gib(ph.get(p, {}).get('allocated'))}/{gib(ph.get(p, {}).get('deviceUsed'))}"
                         for p in ("load", "encode", "denoise", "decode") if p in ph)
        spf = r.get("secondsPerForward")
        host = (r.get("host") or {}).get("peakRssBytes")
        parts.append(f"r{r['rank']} fits={r.get('fits')} oom={r.get('oomPhase')} {cells} "
                     f"s/fwd={'-' if spf is None else f'{spf:.4f}'} rss={gib(host)}")
    return f"{rec['id']:<34} exit={rec['exitCode']} {rec['wallSeconds']:6.1f}s | " + " | ".join(parts)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--combined", default=None, help="combined JSON array (default: <out>/../measurements.json)")
    ap.add_argument("--only", default=None, help="comma-separated ids")
    ap.add_argument("--device", default=None)
    ap.add_argument("--scale", default=None)
    ap.add_argument("--budget-s", type=float, default=480.0, help="start no plan after this many seconds")
    ap.add_argument("--timeout-s", type=float, default=150.0, help="per-plan limit")
    args = ap.parse_args(argv)
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    combined = args.combined or os.path.join(os.path.dirname(out_dir), "measurements.json")
    entries = load_entries(args.plans)
    if args.only:
        wanted = args.only.split(",")
        entries = [e for e in entries if e["id"] in wanted]
    facts = gpu_facts()
    print(json.dumps({"type": "batch", "date": utc_now(), "plans": [e["id"] for e in entries], **facts}), flush=True)
    t0 = time.time()
    records: List[Dict[str, Any]] = []
    for entry in entries:
        if time.time() - t0 > args.budget_s:
            records.append({"id": entry["id"], "skipped": f"batch budget of {args.budget_s:.0f} s spent"})
            print(f"{entry['id']:<34} skipped (budget)", flush=True)
        else:
            rec = run_entry(entry, args, out_dir, facts)
            records.append(rec)
            print(summary_line(rec), flush=True)
            if rec["stderrTail"]:
                print("  stderr: " + rec["stderrTail"][-800:].replace("\n", "\n  "), flush=True)
        with open(combined, "w") as fh:
            json.dump(records, fh, indent=1)
    print(json.dumps({"type": "batch-done", "seconds": round(time.time() - t0, 1), "combined": combined}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
