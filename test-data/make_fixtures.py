#!/usr/bin/env python3
"""Writes the test-data fixtures and their expected results.

The expected results come from an exact brute-force reference written here in Python (sort the
voxels, then evaluate Accuracy and Dice of the top-k set for every k with fractions.Fraction):
an implementation independent of the Java engine, in another language. Run from this directory:
    python3 make_fixtures.py
Needs numpy. The files it writes are committed; CI does not run this script.
"""
import json
from fractions import Fraction as F

import numpy as np


def exact_values(arr, votes=None):
    flat = arr.ravel(order="K")  # memory order; the analysis does not depend on it
    if votes is not None:
        return [F(int(c), votes) for c in flat]
    if arr.dtype.kind in "fc":
        return [F(float(x)) for x in flat]
    raise ValueError("use votes for integer arrays")


def reference(values, volume=None):
    """Exact optima by sorting and trying every top-k set (k = 0..n)."""
    n = len(values)
    m = sorted(values, reverse=True)
    M = sum(m, F(0))
    S = [F(0)]
    for x in m:
        S.append(S[-1] + x)
    acc = [(2 * S[k] - M + n - k) / n for k in range(n + 1)]
    dice = [F(1) if k + M == 0 else 2 * S[k] / (k + M) for k in range(n + 1)]
    sup_a, sup_d = max(acc), max(dice)
    tau = sup_d / 2
    a_least, a_greatest = sum(x > F(1, 2) for x in m), sum(x >= F(1, 2) for x in m)
    d_least, d_greatest = sum(x > tau for x in m), sum(x >= tau for x in m)
    # The characterization must agree with the brute force over k.
    assert [k for k in range(n + 1) if acc[k] == sup_a] == list(range(a_least, a_greatest + 1))
    assert [k for k in range(n + 1) if dice[k] == sup_d] == list(range(d_least, d_greatest + 1))
    v = int((M + F(1, 2)) // 1) if volume is None else volume
    level = m[v - 1] if v > 0 else None
    ties = v - sum(x > level for x in m) if v > 0 else 0
    a_lower, a_upper = max(2 * M - n, F(0)), min(2 * M, F(n))
    d_lower = M * M / n

    def optimum(sup, thr, least, greatest):
        return {"sup": float(sup), "supExact": str(sup), "threshold": float(thr), "thresholdExact": str(thr),
                "leastVolume": least, "greatestVolume": greatest,
                "ratio": None if M == 0 else float(F(greatest) / M)}

    return {
        "voxels": n, "mass": float(M), "massExact": str(M),
        "accuracy": optimum(sup_a, F(1, 2), a_least, a_greatest),
        "dice": optimum(sup_d, tau, d_least, d_greatest),
        "volumeConstrained": {"volume": v, "accuracy": float(acc[v]), "dice": float(dice[v]),
                              "level": None if level is None else float(level), "tiesTaken": ties},
        "bounds": {
            "accuracy": {"lower": float(a_lower), "upper": float(a_upper),
                         "holds": a_lower <= a_least and a_greatest <= a_upper},
            "dice": {"lower": float(d_lower), "upper": float(n), "holds": d_lower <= d_least},
            "accuracyBelowDice": a_greatest <= d_least,
        },
    }


cases = []


def case(name, arrays, args=(), votes=None, volume=None, note=""):
    files = []
    for i, a in enumerate(arrays):
        f = f"{name}.npy" if len(arrays) == 1 else f"{name}_rater{i + 1}.npy"
        np.save(f, a, allow_pickle=False)
        files.append(f)
    if len(arrays) > 1:
        R = len(arrays)
        counts = sum(a.astype(np.int64) for a in arrays)
        values = exact_values(counts, votes=R)
    else:
        values = exact_values(arrays[0], votes=votes)
    expected = reference(values, volume)
    cases.append({"name": name, "note": note, "args": list(args) + files, "exit": 0, "expected": expected})


def bad(name, array_or_bytes, args=(), message="", extra_files=()):
    f = f"{name}.npy"
    if isinstance(array_or_bytes, bytes):
        open(f, "wb").write(array_or_bytes)
    else:
        np.save(f, array_or_bytes, allow_pickle=False)
    cases.append({"name": name, "args": list(args) + [f] + list(extra_files), "exit": 3, "stderr": message})


n = 1000
x = (np.arange(n) + 0.5) / n
# Figure 2: m1 (no noise), m2 (two equally likely intervals), m3 (randomly perturbed edges).
case("fig2_m1", [((x >= 0.2) & (x < 0.6)).astype(np.float32)], note="noise-free: every optimum is the object itself")
m2 = 0.5 * ((x >= 0.2) & (x < 0.6)) + 0.5 * ((x >= 0.4) & (x < 0.8))
case("fig2_m2", [m2.astype(np.float32)], note="I{0.2<=w<=0.6} or I{0.4<=w<=0.8} with probability 1/2 each")
ramp = lambda t: np.clip(t, 0.0, 1.0)
m3 = np.minimum(ramp((x - 0.15) / 0.1), ramp((0.65 - x) / 0.1))
case("fig2_m3", [m3.astype(np.float64)], note="edges perturbed by a uniform random shift")
# Figure 3: Accuracy extreme: m = 1/2 on 80 % of the voxels, 0 elsewhere: V^A = [0, 0.8 n].
case("fig3_accuracy_extreme", [np.where(x < 0.8, 0.5, 0.0).astype(np.float32)])
# Figure 4: Dice extreme with 7 raters: 112 voxels at 7 votes, 588 at 2: sup D = 4/7, V^D = [112, 700].
fig4 = np.array([7] * 112 + [2] * 588, dtype=np.uint8)
case("fig4_dice_extreme_votes", [fig4], args=["--votes", "7"], votes=7,
     note="the paper's numpy code returns greatest volume 112 here; the exact answer is 700")
# Rater r marks the 112 certain voxels and the uncertain voxels i with i % 7 in {r, r + 1 (mod 7)}.
masks = [np.array([True] * 112 + [(i % 7) in (r, (r + 1) % 7) for i in range(588)], dtype=bool) for r in range(7)]
assert (sum(m.astype(int) for m in masks) == fig4).all()
case("fig4_dice_extreme_masks", masks, note="Figure 4 as 7 boolean rater masks")
# An exact tie at tau* in float32: 100 voxels at 1, 800 at 1/4: D = 1/2 at both 100 and 900 voxels.
case("tie_at_tau_float32", [np.array([1.0] * 100 + [0.25] * 800 + [0.0] * 100, dtype=np.float32)],
     note="tau* = 1/4 exactly: V^D = [100, 900]")
# Layout: big-endian float32 in Fortran order, 3-D.
rng = np.random.default_rng(7)
blob = np.round(rng.random((6, 5, 4)) * 8) / 8
case("big_endian_fortran", [np.asfortranarray(blob.astype(">f4"))], note="'>f4', fortran_order True")
case("u16_quantized", [np.round(rng.random(500) ** 2 * 65535).astype("<u2")], args=["--votes", "65535"], votes=65535)
# Degenerate marginals.
case("single_voxel_half", [np.array([0.5], dtype=np.float64)])
case("all_zero", [np.zeros(50, dtype=np.float32)], note="Dice of two empty sets is 1: sup D = 1, tau* = 1/2")
case("all_one", [np.ones(50, dtype=np.float32)])
case("volume_option", [np.array([0.9, 0.3, 0.3, 0.3, 0.1], dtype=np.float32)], args=["--volume", "2"], volume=2,
     note="Theorem 4 at v = 2: ties at 0.3 taken lowest index first")

# Three nested outlines of different volumes (10, 20 and 100 of 200 voxels): rater-averaged Dice
# (analyze --metric rater-dice) and Dice against their mean pick different optima.
for r, volume in enumerate((10, 20, 100), start=1):
    np.save(f"raters_nested_rater{r}.npy", np.arange(200) < volume, allow_pickle=False)

# Invalid inputs: exit code 3 and a one-line message naming the file and the first bad voxel.
bad("invalid_nan", np.array([0.1, 0.2, np.nan, 0.4, np.nan], dtype=np.float32), message="invalid_nan.npy: voxel 2 has value NaN")
bad("invalid_above_one", np.array([0.0, 1.0, 1.5], dtype=np.float64), message="invalid_above_one.npy: voxel 2 has value 1.5")
bad("invalid_negative", np.array([0.0, -0.25], dtype=np.float32), message="invalid_negative.npy: voxel 1 has value -0.25")
bad("invalid_votes_over_r", np.array([0, 3, 8, 9], dtype=np.uint8), args=["--votes", "7"],
    message="invalid_votes_over_r.npy: voxel 2 has value 8")
bad("invalid_truncated", open("fig2_m1.npy", "rb").read()[:200], message="invalid_truncated.npy: ")
bad("invalid_garbage", b"this is not a numpy file at all\n" * 4, message="invalid_garbage.npy: ")
np.save("invalid_mask_shape_a.npy", np.zeros((4, 5), dtype=bool))
bad("invalid_mask_shape_b", np.zeros((5, 4), dtype=bool), extra_files=["invalid_mask_shape_a.npy"], message="invalid_mask_shape_a.npy: shape")
np.save("invalid_mask_value_a.npy", np.array([0, 1, 1, 0], dtype=np.uint8))
bad("invalid_mask_value_b", np.array([0, 1, 2, 0], dtype=np.uint8), extra_files=["invalid_mask_value_a.npy"],
    message="invalid_mask_value_b.npy: voxel 2 has value 2")

with open("cases.json", "w") as out:
    json.dump({"about": "segopt analyze --json: arguments, exit code and expected output, computed by make_fixtures.py",
               "cases": cases}, out, indent=1)
    out.write("\n")
print(f"wrote {len(cases)} cases")
