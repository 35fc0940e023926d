"""Splits an upstream_batch.py combined array into data/measurements/upstream-<id>.json files (the probe files' shape:
id, command, machine, date, gpu, plan, ranks[...]) plus "instrument".

    python3 upstream_measurements.py COMBINED.json --machine "…" --batch-command "…" --dest ../../../data/measurements
        [--id-suffix -host2]

--id-suffix names a run of a configuration already committed from another machine (the id is the file's name).
"""
from __future__ import annotations

import argparse
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_PLAN = os.path.join(HERE, "plans", "h100-704x384-default.json")
# a cap stands for the catalog card whose usable memory it is (gpu-catalog.ts); uncapped: the card it ran on
CARD_OF_CAP = {23.65: "rtx-4090", 31.36: "rtx-5090", 44.39: "l40s", 79.18: "h100-sxm"}
DROP = {"type", "rank_", "t"}


def plan_for(result: dict) -> dict:
    with open(BASE_PLAN) as fh:
        plan = json.load(fh)
    plan = copy.deepcopy(plan)
    lv = result["levers"]
    cap = round(result["capBytes"] / 1024 ** 3, 2) if result.get("capBytes") else None
    uncapped = "h100-sxm" if "H100" in (result.get("gpu") or "") else "h200"
    plan["hardware"]["gpu"] = CARD_OF_CAP.get(cap, "h200") if cap is not None else uncapped
    plan["params"].update({"size": lv["size"], "inferFrames": lv["inferFrames"], "sampleSteps": lv["sampleSteps"],
                           "fp8": lv["fp8"], "enableCompile": lv["enableCompile"], "offloadKvCache": lv["offloadKvCache"],
                           "t5Cpu": lv["t5Cpu"], "numClip": lv["numClip"], "audioSeconds": result.get("audioSeconds"),
                           "quantizeOnCpu": bool(lv.get("quantizeOnCpu", False))})
    return plan


def to_measurement(entry: dict, machine: str, batch_command: str, plan: dict = None, id_suffix: str = "") -> dict:
    r = entry["result"]
    rank = {k: v for k, v in r.items() if k not in DROP}
    cap = r.get("capBytes")
    return {
        "id": "upstream-" + entry["id"] + id_suffix,
        "description": "LiveAvatar's own single-GPU pipeline (upstream @" + r["instrument"]["commit"][:7] + ") with random "
                       "weights, run by apps/worker/python/headroom_upstream: " + entry["command"],
        "instrument": {"kind": "upstream", "commit": r["instrument"]["commit"]},
        "command": entry["command"] + " --out result.json",
        "batchCommand": batch_command,
        "machine": machine,
        "date": entry["date"],
        "gpu": r["gpu"], "gpuCount": 1, "torchVersion": r["torchVersion"], "cudaVersion": r.get("cudaVersion"),
        "capGib": round(cap / 1024 ** 3, 2) if cap else None, "capBytes": cap, "capMode": r.get("capMode"),
        "harness": {"version": r["instrument"].get("harness"), "clips": r.get("clips"), "steps": r.get("steps")},
        "exitCode": entry["exitCode"], "wallSeconds": r.get("wallSeconds"),
        "plan": plan if plan is not None else plan_for(r),
        # not a plan field (upstream has no such flag): the harness's --self-attention, cudnn for files made before it
        "selfAttention": (r.get("levers") or {}).get("selfAttention", "cudnn"),
        # not a plan field either: PyTorch's allocator settings the run had (PYTORCH_CUDA_ALLOC_CONF), null for none
        "allocConf": (r.get("levers") or {}).get("allocConf"),
        "ranks": [rank],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("combined", nargs="+")
    ap.add_argument("--machine", required=True)
    ap.add_argument("--batch-command", required=True)
    ap.add_argument("--dest", required=True)
    ap.add_argument("--id-suffix", default="")
    ap.add_argument("--plan-of", action="append", default=[], metavar="RUN_ID=MEASUREMENT.json",
                    help="take that probe measurement's plan verbatim, so calibration pairs the two runs (same plan and cap)")
    args = ap.parse_args()
    plans = {}
    for item in args.plan_of:
        rid, path = item.split("=", 1)
        with open(path) as fh:
            plans[rid] = json.load(fh)["plan"]
    for path in args.combined:
        with open(path) as fh:
            entries = json.load(fh)
        for entry in entries:
            if not entry.get("result") or not entry["result"].get("phases"):
                print("skip", entry.get("id"), entry.get("skipped") or (entry.get("result") or {}).get("error"))
                continue
            m = to_measurement(entry, args.machine, args.batch_command, plans.get(entry["id"]), args.id_suffix)
            out = os.path.join(args.dest, m["id"] + ".json")
            with open(out, "w") as fh:
                json.dump(m, fh, indent=1)
                fh.write("\n")
            print("wrote", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
