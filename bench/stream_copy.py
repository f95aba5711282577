#!/usr/bin/python3
"""Memory bandwidth of this machine, STREAM's "copy" kernel: b[:] = a[:] over arrays far larger than
the caches, split across threads (numpy releases the GIL while copying). Counted as STREAM counts
it: 2 x the array's bytes per copy (one read, one write). Prints JSON: best of the repeats, in
bytes per second.

usage: bench/stream_copy.py [--threads N] [--mib SIZE] [--repeats R]
"""
import argparse
import json
import os
import sys
import threading
import time

import numpy as np


def copy_bandwidth(threads: int, mib: int, repeats: int) -> dict:
    count = mib * 1024 * 1024 // 8
    source = np.ones(count, dtype=np.float64)
    target = np.zeros(count, dtype=np.float64)
    bounds = [count * t // threads for t in range(threads + 1)]

    def copy_part(t: int) -> None:
        np.copyto(target[bounds[t]:bounds[t + 1]], source[bounds[t]:bounds[t + 1]])

    best = float("inf")
    for _ in range(repeats):
        workers = [threading.Thread(target=copy_part, args=(t,)) for t in range(threads)]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        best = min(best, time.perf_counter() - start)
    return {"kernel": "copy", "threads": threads, "array_mib": mib, "repeats": repeats,
            "best_seconds": best, "bytes_per_second": 2 * count * 8 / best}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mib", type=int, default=512, help="MiB per array (two arrays)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(copy_bandwidth(args.threads, args.mib, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
