"""segopt.optimum and segment for the Tversky family (Jaccard, F_beta, Tversky) against a brute
force over every segmentation of small marginals, in exact fractions, and Analysis.jaccard."""
import itertools
from fractions import Fraction

import numpy as np
import pytest

import segopt

SEED = 20261201


def tversky(s, m, alpha, beta):
    """TI(s) = TP / (TP + alpha FP + beta FN) against the soft m, exactly; 1 when both are empty."""
    tp = sum((mi for si, mi in zip(s, m) if si), Fraction(0))
    fp = sum(1 - mi for si, mi in zip(s, m) if si)
    fn = sum(mi for si, mi in zip(s, m) if not si)
    denominator = tp + alpha * fp + beta * fn
    return Fraction(1) if denominator == 0 else tp / denominator


def brute_force(m, alpha, beta):
    """sup TI over all 2^n segmentations and the least and greatest volume of an optimum."""
    scores = [(tversky(s, m, alpha, beta), sum(s)) for s in itertools.product((0, 1), repeat=len(m))]
    best = max(score for score, _ in scores)
    volumes = [volume for score, volume in scores if score == best]
    return best, min(volumes), max(volumes)


METRICS = [("jaccard", Fraction(1), Fraction(1)), ("fbeta:2", Fraction(1, 5), Fraction(4, 5)),
           ("fbeta:1/2", Fraction(4, 5), Fraction(1, 5)), ("tversky:0.3,0.7", Fraction(3, 10), Fraction(7, 10)),
           ("tversky:2,1/3", Fraction(2), Fraction(1, 3))]


@pytest.mark.parametrize("name,alpha,beta", METRICS, ids=[m[0] for m in METRICS])
def test_optimum_and_segment_equal_the_brute_force(name, alpha, beta):
    rng = np.random.default_rng(SEED)
    for case in range(25):
        n = int(rng.integers(1, 10))
        raters = int(rng.integers(1, 6))
        votes = rng.integers(0, raters + 1, n).astype(np.uint8)
        m = [Fraction(int(v), raters) for v in votes]
        best, least, greatest = brute_force(m, alpha, beta)
        o = segopt.optimum(votes, name, votes=raters)
        assert (o.sup_exact, o.least_volume, o.greatest_volume) == (best, least, greatest), (name, votes, raters)
        for least_mask, volume in ((False, greatest), (True, least)):
            mask = segopt.segment(votes, name, least_mask, votes=raters)
            assert mask.sum() == volume
            assert tversky(mask.tolist(), m, alpha, beta) == best


def test_float_marginals_are_decided_on_their_stored_values():
    rng = np.random.default_rng(SEED + 1)
    for case in range(20):
        probs = rng.choice(np.array([0.0, 0.1, 0.25, 0.3, 0.5, 0.75, 1.0], np.float32), int(rng.integers(1, 10)))
        m = [Fraction(float(p)) for p in probs]  # the float32 values exactly
        best, least, greatest = brute_force(m, Fraction(1, 5), Fraction(4, 5))
        o = segopt.optimum(probs, "fbeta:2")
        assert (o.sup_exact, o.least_volume, o.greatest_volume) == (best, least, greatest), probs


def test_analysis_reports_jaccard_from_dice():
    votes = np.array([7] * 112 + [2] * 588, np.uint8)  # the paper's Figure 4 case
    a = segopt.analyze(votes, votes=7)
    d = a.dice.sup_exact
    assert a.jaccard.sup_exact == d / (2 - d) == Fraction(2, 5)
    assert (a.jaccard.least_volume, a.jaccard.greatest_volume) == (a.dice.least_volume, a.dice.greatest_volume)
    assert segopt.optimum(votes, "jaccard", votes=7) == a.jaccard
    assert segopt.optimum(votes, "dice", votes=7) == a.dice
