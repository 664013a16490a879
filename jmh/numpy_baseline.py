#!/usr/bin/env python3
"""Times the paper's NumPy method (sort, cumulative sum, argmax of Dice) on .npy marginals.

    python3 jmh/numpy_baseline.py FILE.npy [--votes R | --bfloat16] [--repeat K]

This is the baseline segopt's speed-ups are quoted against: it sorts the voxels, as the paper's
code does, and decides the Dice-optimal volume in floating point. Prints one JSON object with
the median seconds over K runs (after one warm-up run). --bfloat16 reads a <u2 file as bfloat16
bit patterns (NumPy has no bfloat16 dtype), widened to float32 before the timing.
"""
import argparse
import json
import statistics
import time

import numpy as np


def paper_method(m):
    """sup D, tau* = sup D / 2 and the greatest Dice-optimal volume, the paper's way."""
    flat = np.sort(m.ravel())[::-1]
    cs = np.cumsum(flat, dtype=np.float64)
    k = np.arange(1, flat.size + 1)
    d = 2 * cs / (k + cs[-1])
    sup = d.max()
    return sup, sup / 2, int(np.count_nonzero(m >= sup / 2))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--votes", type=int)
    p.add_argument("--bfloat16", action="store_true")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    raw = np.load(a.file)
    if a.bfloat16:
        raw = (raw.astype(np.uint32) << 16).view(np.float32)
    m = raw / a.votes if a.votes else raw
    paper_method(m)
    times = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        sup, tau, volume = paper_method(raw / a.votes if a.votes else raw)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"file": a.file, "voxels": int(raw.size), "medianSeconds": statistics.median(times),
                      "supDice": float(sup), "greatestVolume": volume, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
