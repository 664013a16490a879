"""segopt.rater_dice against a brute force over all 2^n segmentations of tiny rater masks, written
here in exact fractions: E[D_L](s) = (1/R) sum_r D(s, L_r), D(empty, empty) = 1."""
import itertools
from fractions import Fraction

import numpy as np
import pytest
import torch

import segopt


def dice(s, target):
    """2 TP / (|s| + sum target) for a binary or soft target (Fractions), 1 when both are empty."""
    tp = sum((t for si, t in zip(s, target) if si), Fraction(0))
    total = sum(s) + sum(target, Fraction(0))
    return Fraction(1) if total == 0 else 2 * tp / total


def brute_force(masks):
    raters = [[Fraction(int(v)) for v in mask.ravel()] for mask in masks]
    m = [sum(column) / len(raters) for column in zip(*raters)]
    everything = list(itertools.product((0, 1), repeat=len(m)))
    rater_dice = {s: sum(dice(s, r) for r in raters) / len(raters) for s in everything}
    sup = max(rater_dice.values())
    volumes = [sum(s) for s in everything if rater_dice[s] == sup]
    greatest = max(volumes)
    expected_volume = sum(m)
    marginal = max(dice(s, m) for s in everything if rater_dice[s] == sup and sum(s) == greatest)
    soft = {s: dice(s, m) for s in everything}
    s_dice = max((s for s in everything if soft[s] == max(soft.values())), key=sum)
    return dict(sup_exact=sup, least_volume=min(volumes), greatest_volume=greatest,
                ratio_exact=None if expected_volume == 0 else greatest / expected_volume,
                marginal_dice_of_optimum_exact=marginal, rater_dice_of_dice_optimum_exact=rater_dice[s_dice])


def test_equals_the_brute_force_over_every_segmentation(rng):
    for trial in range(60):
        n = int(rng.integers(1, 8))
        r = int(rng.integers(1, 5))
        masks = [rng.random(n) < rng.random() for _ in range(r)]
        if trial % 3 == 0:  # one shape for all, a 2-d one, some as 0/1 uint8 tensors
            masks = [torch.from_numpy(mask.astype(np.uint8).reshape(1, n)) for mask in masks]
        result = segopt.rater_dice(masks)
        expected = brute_force([np.asarray(mask) for mask in masks])
        assert {name: getattr(result, name) for name in expected} == expected, (trial, masks)
        assert result.sup == float(result.sup_exact)
        assert result.ratio == (None if result.ratio_exact is None else float(result.ratio_exact))


def test_sixteen_raters_is_the_limit():
    masks = [np.array([True, i % 2 == 0]) for i in range(16)]
    assert segopt.rater_dice(masks).greatest_volume >= 1
    with pytest.raises(ValueError, match="^rater-averaged Dice takes at most 16 rater masks, not 17$"):
        segopt.rater_dice(masks + [masks[0]])


@pytest.mark.parametrize("masks,message", [
    ([], r"^rater_dice needs at least one array \(rater masks\)$"),
    (np.zeros((2, 3), bool), "^rater_dice takes a list of arrays"),
    ([np.array([1, 2], np.uint8)], "^rater mask 1, voxel 1 has value 2, not 0 or 1$"),
    ([np.zeros(3, bool), np.zeros(4, bool)], r"^rater mask 2 has shape \(4,\), rater mask 1 \(3,\)$"),
    ([np.array([0.5, 1.0])], "^rater mask 1 must be bool or integer 0/1, but the data is float64$"),
])
def test_bad_input_raises_one_line(masks, message):
    with pytest.raises(ValueError, match=message):
        segopt.rater_dice(masks)
