"""segopt.common_threshold against a brute force written here: every distinct data value t of the
validation set tried as the threshold, each case's metric computed from its voxels in exact
fractions, each case's own optimum by trying all 2^n segmentations; and against ``segopt
calibrate --json`` on test-data's manifest, field for field."""
import csv
import itertools
import json
import subprocess
from fractions import Fraction

import numpy as np
import pytest
import torch

import segopt
from conftest import ROOT, TEST_DATA, assert_matches_json

# name -> (alpha, beta): TI = TP / (TP + alpha FP + beta FN)
METRICS = {"dice": (Fraction(1, 2), Fraction(1, 2)), "jaccard": (Fraction(1), Fraction(1)),
           "fbeta:2": (Fraction(1, 5), Fraction(4, 5)), "tversky:0.3,0.7": (Fraction(3, 10), Fraction(7, 10))}
# float32 values packed into one first-pass bin of the engine (its top 16 bits), so it must refine
PACKED = (np.array([0.3], np.float32).view(np.int32) + np.arange(40, dtype=np.int32)).view(np.float32)


def score(s, m, alpha, beta):
    """TI of segmentation s (bools) against the soft m (Fractions), 1 when both are empty."""
    tp = sum((mi for si, mi in zip(s, m) if si), Fraction(0))
    fp = sum((1 - mi for si, mi in zip(s, m) if si), Fraction(0))
    fn = sum((mi for si, mi in zip(s, m) if not si), Fraction(0))
    return Fraction(1) if tp + fp + fn == 0 else tp / (tp + alpha * fp + beta * fn)


def objective(cases, t, alpha, beta, pooled):
    masks = [[mi >= t for mi in m] for m in cases]
    if pooled:
        return score(sum(masks, []), sum(cases, []), alpha, beta)
    return sum(score(s, m, alpha, beta) for s, m in zip(masks, cases)) / len(cases)


def brute_force(cases, alpha, beta, pooled):
    """(threshold, score, at_half, oracle, optima [(below, v)], per case [(score, volume, optimum)])."""
    values = sorted({v for m in cases for v in m})
    scores = {v: objective(cases, v, alpha, beta, pooled) for v in values}
    best = max(scores.values())
    optima = [(values[i - 1] if i else None, v) for i, v in enumerate(values) if scores[v] == best]
    threshold = optima[-1][1]
    own = [max(score(s, m, alpha, beta) for s in itertools.product((False, True), repeat=len(m))) for m in cases]
    per_case = [(score([mi >= threshold for mi in m], m, alpha, beta), sum(mi >= threshold for mi in m), o)
                for m, o in zip(cases, own)]
    return (threshold, best, objective(cases, Fraction(1, 2), alpha, beta, pooled), sum(own) / len(cases), optima,
            per_case)


def random_case(rng):
    """(array for segopt, its votes R or None, its exact values)."""
    n = int(rng.integers(1, 7))
    kind = int(rng.integers(4))
    if kind == 0:
        raters = int(rng.integers(1, 6))
        votes = rng.integers(0, raters + 1, n).astype(np.uint8)
        return votes, raters, [Fraction(int(v), raters) for v in votes]
    if kind == 1:
        array = PACKED[rng.integers(0, len(PACKED), n)]
    else:
        pool = np.array([0, 0.125, 0.25, 0.3, 0.5, 0.75, 1])
        array = np.where(rng.random(n) < 0.5, pool[rng.integers(0, len(pool), n)], rng.random(n))
        array = array.astype(np.float32 if kind == 2 else np.float64)
    return array, None, [Fraction(float(v)) for v in array]


def check(arrays, votes, cases, metric, objective_name):
    alpha, beta = METRICS[metric]
    r = segopt.common_threshold(arrays, metric=metric, objective=objective_name, votes=votes)
    threshold, best, at_half, oracle, optima, per_case = brute_force(cases, alpha, beta, objective_name == "pooled")
    assert (r.threshold_exact, r.score_exact, r.at_half_exact, r.oracle_exact) == (threshold, best, at_half, oracle)
    assert [(i.below_exact, i.threshold_exact) for i in r.optima] == optima
    assert [(c.score_exact, c.volume, c.optimum_exact) for c in r.per_case] == per_case
    assert [(c.voxels, c.mass_exact) for c in r.per_case] == [(len(m), sum(m)) for m in cases]
    assert (r.cases, r.objective, r.threshold, r.score) == (len(cases), objective_name, float(threshold), float(best))
    return r


@pytest.mark.parametrize("metric", list(METRICS))
@pytest.mark.parametrize("objective_name", ["mean", "pooled"])
def test_equals_the_brute_force_on_random_validation_sets(metric, objective_name, rng):
    for trial in range(12):
        drawn = [random_case(rng) for _ in range(int(rng.integers(1, 4)))]
        arrays = [torch.from_numpy(a) if k % 2 else a for k, (a, _, _) in enumerate(drawn)]
        check(arrays, [r for _, r, _ in drawn], [m for _, _, m in drawn], metric, objective_name)


def test_one_votes_value_for_every_case_and_the_json_fields():
    r = check([np.array([3, 1, 0], np.uint8), np.array([[2, 2], [0, 3]], np.uint8)], 3,
              [[Fraction(v, 3) for v in (3, 1, 0)], [Fraction(v, 3) for v in (2, 2, 0, 3)]], "dice", "mean")
    assert r.metric == "dice" and isinstance(r.threshold_exact, Fraction) and isinstance(r.optima, tuple)


def test_has_the_fields_of_calibrate_json(tmp_path):
    run = subprocess.run([str(ROOT / "segopt"), "calibrate", "--manifest", "calibrate_manifest.csv", "--out",
                          str(tmp_path), "--json"], cwd=TEST_DATA, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    expected = json.loads(run.stdout)
    files = {}
    with open(TEST_DATA / "calibrate_manifest.csv", newline="") as f:
        for row in csv.DictReader(f):
            files.setdefault(row["case"], []).append(np.load(TEST_DATA / row["file"]))
    cases = list(files.values())  # a mask case as its vote counts, the others as probabilities
    arrays = [np.sum(c, axis=0, dtype=np.uint8) if len(c) > 1 else c[0] for c in cases]
    r = segopt.common_threshold(arrays, votes=[len(c) if len(c) > 1 else None for c in cases])
    per_case, optima = expected.pop("perCase"), expected.pop("optima")
    assert expected.pop("errors") == []
    assert_matches_json(r, expected, complete=False, path="common_threshold")
    assert len(r.per_case) == len(per_case) and len(r.optima) == len(optima)
    for actual, case in zip(r.per_case, per_case):
        del case["id"]
        assert_matches_json(actual, case, path="per_case")
    for actual, interval in zip(r.optima, optima):
        assert_matches_json(actual, interval, path="optima")


@pytest.mark.parametrize("call,message", [
    (lambda: segopt.common_threshold([]), r"common_threshold needs at least one array \(cases\)"),
    (lambda: segopt.common_threshold(np.zeros((2, 3), np.float32)), "common_threshold takes a list of arrays"),
    (lambda: segopt.common_threshold([np.array([0.5], np.float32), np.array([0.25, np.nan], np.float32)]),
     r"^case 2: voxel 1 has value NaN, not in \[0, 1\]$"),
    (lambda: segopt.common_threshold([np.array([1, 2], np.uint8)]), "^case 1: the array holds uint8 data"),
    (lambda: segopt.common_threshold([np.array([4], np.uint8)], votes=3), "^case 1: voxel 0 has value 4"),
    (lambda: segopt.common_threshold([np.array([1], np.uint8)], votes=[3, 3]), "votes lists 2 rater counts for 1 cases"),
    (lambda: segopt.common_threshold([np.array([0.5])], objective="median"), "unknown objective 'median'"),
    (lambda: segopt.common_threshold([np.array([0.5])], metric=2), "metric must be a string"),
    (lambda: segopt.common_threshold([np.array([0.5]), np.array([], np.float32)]), "^case 2: the array has no voxels$"),
])
def test_bad_input_raises_one_line(call, message):
    with pytest.raises(ValueError, match=message) as e:
        call()
    assert "\n" not in str(e.value)
