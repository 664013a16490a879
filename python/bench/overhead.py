#!/usr/bin/env python3
"""What a call of segopt costs from Python, against the same call in Java and the sort-based methods.

    python3 python/bench/overhead.py [--repeat K] [--json]

Two float32 marginals: an almost empty one (8 voxels: the per-call overhead) and a 128^3 patch
(a soft sphere with noise, a segmentation network's sigmoid output). For each, the median time of
K calls (after a warm-up of K calls and at least a second; the sort-based methods K/10 on the
patch) of:

- ``segopt.Calibrator().calibrate`` and ``segopt.analyze`` from Python (the whole package path:
  wrapping the array without a copy, the Java call, the result dataclass);
- the bare JPype call ``ThresholdCalibrator.calibrate(marginal, holder)`` on a wrapped array;
- the same two engine calls in Java alone (JavaCalls.java, in a JVM of its own);
- the paper's NumPy method (sort, cumulative sum, argmax: jmh/numpy_baseline.py) and the same
  method on torch.sort.

Prints a Markdown table (or, with --json, one JSON object) of medians in microseconds.
"""
import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

import segopt
from segopt import _java, _jvm
from segopt._arrays import HostArray

ROOT = Path(__file__).resolve().parents[2]


def paper_method():
    """jmh/numpy_baseline.py's implementation of the paper's method."""
    spec = importlib.util.spec_from_file_location("numpy_baseline", ROOT / "jmh" / "numpy_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.paper_method


def torch_sort_method(m):
    """The paper's method on torch: sort descending, cumulative sum, argmax of Dice."""
    flat = torch.sort(m.flatten(), descending=True).values
    cs = torch.cumsum(flat, 0, dtype=torch.float64)
    k = torch.arange(1, flat.numel() + 1, dtype=torch.float64)
    d = 2 * cs / (k + cs[-1])
    sup = d.max()
    return float(sup), float(sup) / 2, int((m >= sup / 2).sum())


def patch(side=128, seed=1):
    """A soft sphere (the sigmoid of a signed distance) with a little noise, clipped to [0, 1]."""
    rng = np.random.default_rng(seed)
    axis = np.arange(side) - side / 2
    z, y, x = np.meshgrid(axis, axis, axis, indexing="ij")
    distance = side / 4 - np.sqrt(x * x + y * y + z * z)
    m = 1 / (1 + np.exp(-distance / 2)) + rng.normal(0, 0.02, distance.shape)
    return np.clip(m, 0, 1).astype(np.float32)


def median_seconds(call, repeats):
    """The median of ``repeats`` timed calls after a warm-up of as many calls and at least a second
    (as JavaCalls.java does)."""
    warm_up_end = time.perf_counter() + 1
    count = 0
    while count < repeats or time.perf_counter() < warm_up_end:
        call()
        count += 1
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def java_alone(array, repeats):
    """JavaCalls.java's medians (seconds) for the same array, in a JVM of its own."""
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "m.npy", array)
        java = _jvm.java_home() / "bin" / "java"
        classpath = ":".join(str(j) for j in _jvm.class_path())
        run = subprocess.run([str(java), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                              "-cp", classpath, str(Path(__file__).parent / "JavaCalls.java"),
                              str(Path(folder) / "m.npy"), str(repeats)],
                             capture_output=True, text=True, check=True)
        return json.loads(run.stdout)


def measure(array, repeats, sort_repeats):
    j = _java.classes()
    calibrator = segopt.Calibrator()
    bare = j.ThresholdCalibrator()
    holder = j.Calibration()
    marginal = HostArray(array).marginal()
    tensor = torch.from_numpy(array)
    numpy_method = paper_method()
    java = java_alone(array, repeats)
    return {
        "segopt.Calibrator().calibrate (Python)": median_seconds(lambda: calibrator.calibrate(array), repeats),
        "ThresholdCalibrator.calibrate, bare JPype call": median_seconds(lambda: bare.calibrate(marginal, holder),
                                                                         repeats),
        "ThresholdCalibrator.calibrate (Java alone)": java["calibrate"],
        "segopt.analyze (Python)": median_seconds(lambda: segopt.analyze(array), repeats),
        "Engine.parallel().analyze (Java alone)": java["analyze"],
        "paper's NumPy method (sort + cumsum)": median_seconds(lambda: numpy_method(array), sort_repeats),
        "torch.sort method": median_seconds(lambda: torch_sort_method(tensor), sort_repeats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    empty = np.array([0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0], dtype=np.float32)
    results = {"8 voxels": measure(empty, args.repeat * 10, args.repeat * 10),
               "128^3 float32": measure(patch(), args.repeat, max(args.repeat // 10, 3))}
    if args.json:
        print(json.dumps({"medianSeconds": results, "numpy": np.__version__, "torch": torch.__version__,
                          "python": sys.version.split()[0], "threads": torch.get_num_threads()}, indent=1))
        return
    names = list(results)
    print("| call | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in results[names[0]]:
        print(f"| {row} | " + " | ".join(_micros(results[n][row]) for n in names) + " |")


def _micros(seconds):
    micros = seconds * 1e6
    return f"{micros:,.0f} µs" if micros >= 100 else f"{micros:.1f} µs"


if __name__ == "__main__":
    main()
