"""Bad input raises ValueError (TypeError for a non-integer count) with one line saying what is
wrong; for invalid values it is the engine's own message, the first bad voxel and its value."""
import numpy as np
import pytest

import segopt
from conftest import heap_marginal, java


def engine_message(array, votes=None):
    """The message of the exception the engine throws on a heap copy of ``array``."""
    j = java()
    with pytest.raises(j.IllegalArgumentException) as raised:
        j.Engine.scalar().analyze(heap_marginal(array, votes))
    return str(raised.value.getMessage())


@pytest.mark.parametrize("values,votes", [
    (np.array([0.1, 0.2, np.nan, 2.0], dtype=np.float32), None),
    (np.array([0.1, -0.0, 0.3, -1e-30], dtype=np.float64), None),
    (np.array([0.5, 1.0, np.inf], dtype=np.float32), None),
    (np.array([1.0, 1.0000001], dtype=np.float64), None),
    (np.array([3, 0, 8, 9], dtype=np.uint8), 7),
    (np.array([3, -1], dtype=np.int32), 7),
    (np.array([65535, 2], dtype=np.uint16), 65534),
])
def test_invalid_values_raise_the_engines_message(values, votes):
    expected = engine_message(values, votes)
    with pytest.raises(ValueError) as raised:
        segopt.analyze(values, votes=votes)
    assert str(raised.value) == expected
    with pytest.raises(ValueError, match=expected.split(",")[0]):
        segopt.Calibrator().calibrate(values, votes=votes)
    with pytest.raises(ValueError, match=expected.split(",")[0]):
        segopt.segment(values, votes=votes)


def test_invalid_rater_mask_names_the_mask():
    masks = [np.array([0, 1, 1], dtype=np.uint8), np.array([0, 1, 2], dtype=np.uint8)]
    with pytest.raises(ValueError, match=r"^rater mask 2, voxel 2 has value 2"):
        segopt.analyze_masks(masks)


def zeros(dtype, shape=3, order="C"):
    return np.zeros(shape, dtype, order=order)


@pytest.mark.parametrize("call,message", [
    (lambda: segopt.analyze(zeros(np.float32), votes=3), "votes needs integer vote counts, but the data is float32"),
    (lambda: segopt.analyze(zeros(np.uint8)), "the array holds uint8 data: give votes=R"),
    (lambda: segopt.analyze(zeros(np.int64), votes=3), "segopt reads .* not int64"),
    (lambda: segopt.analyze(zeros(np.complex64)), "segopt reads .* not complex64"),
    (lambda: segopt.analyze(zeros(np.float32, (2, 0))), "the array has no voxels"),
    (lambda: segopt.analyze(zeros(np.uint8), votes=0), r"number of raters must be in 1..65535, got 0"),
    (lambda: segopt.analyze(zeros(np.uint8), votes=70000), r"number of raters must be in 1..65535, got 70000"),
    (lambda: segopt.analyze(zeros(np.float32), volume=4), r"volume 4 is outside 0..3"),
    (lambda: segopt.analyze(zeros(np.float32), volume=-1), r"volume -1 is outside 0..3"),
    (lambda: segopt.segment(zeros(np.float32), "iou"), "unknown metric 'iou'"),
    (lambda: segopt.optimum(zeros(np.float32), "tversky:1"), "tversky needs two weights"),
    (lambda: segopt.segment(zeros(np.float32), "volume", True), "least applies to metric 'accuracy', 'dice', 'jaccard'"),
    (lambda: segopt.segment(zeros(np.float32), "dice", volume=2), "volume applies to metric 'volume' only"),
    (lambda: segopt.analyze_masks([]), "analyze_masks needs at least one rater mask"),
    (lambda: segopt.analyze_masks([zeros(bool), zeros(bool, 4)]), r"rater mask 2 has shape \(4,\), rater mask 1 \(3,"),
    (lambda: segopt.analyze_masks([zeros(np.float32)]), "rater mask 1 must be bool or integer 0/1, but the data is f"),
    (lambda: segopt.analyze_masks([zeros(np.uint8), zeros(np.int32)]), "rater mask 2: element type int32 differs"),
    (lambda: segopt.analyze_masks([zeros(bool, (2, 3)), zeros(bool, (2, 3), order="F")]),
     r"rater mask 2: memory order \(C/Fortran\) differs"),
])
def test_usage_errors(call, message):
    with pytest.raises(ValueError, match=message) as raised:
        call()
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("call", [
    lambda: segopt.analyze(np.zeros(3, np.float32), volume=1.5),
    lambda: segopt.analyze(np.zeros(3, np.uint8), votes=7.0),
])
def test_counts_must_be_integers(call):
    with pytest.raises(TypeError):
        call()


def test_bool_and_uint8_masks_mix():
    """As for the CLI: both are one byte 0/1 per voxel."""
    a = segopt.analyze_masks([np.array([0, 1, 1], bool), np.array([1, 1, 0], np.uint8)])
    assert a.raters == 2 and a.mass_exact == 2 and a.dice == segopt.analyze(np.array([1, 2, 1], np.uint8), votes=2).dice
