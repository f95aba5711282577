#!/usr/bin/python3
"""Checks the ecosystem model's national baseline against scenarios/targets/national.yaml.

Runs build/innosim on scenarios/national.yaml (with optional --set overrides), averages every
target metric over the last `window` steps and the replicates, and prints model value vs band.
Used by hand for the calibration recorded in docs/MODEL.md:
    /usr/bin/python3 scripts/calibrate_national.py --replicates 20 [--set ecosystem.x=1 ...]
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--innosim", default=str(ROOT / "build" / "innosim"))
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "national.yaml"))
    parser.add_argument("--targets", default=str(ROOT / "scenarios" / "targets" / "national.yaml"))
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    parser.add_argument("--show", action="append", default=[], help="extra metrics to print")
    args = parser.parse_args()
    targets = yaml.safe_load(open(args.targets))
    window = int(targets["window"])
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "run.h5"
        cmd = [args.innosim, "run", args.scenario, "-o", str(out), "--replicates", str(args.replicates),
               "--threads", str(args.threads), "--quiet"]
        for o in args.overrides:
            cmd += ["--set", o]
        subprocess.run(cmd, check=True)
        inside = 0
        with h5py.File(out) as f:
            for name, t in targets["targets"].items():
                values = f["metrics"][name][:, -window:].mean()
                lo, hi = t["band"]
                ok = lo <= values <= hi
                inside += ok
                print(f"{name:48s} {values:8.4f}  band [{lo}, {hi}]  {'ok' if ok else 'OUT'}")
            for name in args.show:
                print(f"{name:48s} {f['metrics'][name][:, -window:].mean():12.4f}")
    print(f"{inside}/{len(targets['targets'])} targets inside their bands")
    return 0 if inside == len(targets["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
