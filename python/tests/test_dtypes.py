"""segopt on seeded random arrays of every dtype, layout and byte order equals the reference engine
on a Java heap copy, the CLI on the same array saved as .npy, and (for segment) an exact
element-by-element comparison in Python fractions."""
import dataclasses
from fractions import Fraction

import numpy as np
import pytest

import segopt
from conftest import assert_matches_json, cli_analyze, random_marginal, reference_analysis, requires_marginal

CLI_TYPES = ["float32", "float64", "uint8", "uint16", "int32", "bool"]
# float16 once core's Marginal.ofFloat16 (and the CLI's .npy <f2) is there.
ALL_TYPES = CLI_TYPES + [pytest.param("float16", marks=requires_marginal("ofFloat16"))]
SHAPE = (6, 7, 9)


def votes_for(type_name):
    return None if type_name.startswith("float") or type_name == "bool" else 7


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_random_array_equals_engine_and_cli(type_name, rng, tmp_path):
    array = random_marginal(rng, type_name, SHAPE)
    votes = votes_for(type_name)
    analysis = segopt.analyze(array, votes=votes)
    assert analysis == reference_analysis(array, votes)
    np.save(tmp_path / "m.npy", array)
    code, printed, stderr = cli_analyze(*(["--votes", votes] if votes else []), tmp_path / "m.npy")
    assert code == 0, stderr
    assert_matches_json(analysis, printed)


@pytest.mark.parametrize("type_name", ALL_TYPES)
@pytest.mark.parametrize("layout", ["big-endian", "fortran", "strided", "0-d"])
def test_layouts_give_the_analysis_of_the_c_order_copy(type_name, layout, rng):
    base = random_marginal(rng, type_name, SHAPE)
    votes = votes_for(type_name)
    if layout == "big-endian":
        array = base.astype(base.dtype.newbyteorder(">"))
    elif layout == "fortran":
        array = np.asfortranarray(base)
    elif layout == "strided":
        base = random_marginal(rng, type_name, (12, 7, 9))
        array = base[::2]
    else:
        array = np.array(base[2, 3, 4])
    c_order_copy = np.array(array, dtype=array.dtype.newbyteorder("="), order="C")
    assert segopt.analyze(array, votes=votes) == reference_analysis(c_order_copy, votes)


@pytest.mark.parametrize("volume", [0, 1, 100, 6 * 7 * 9])
def test_volume_option(volume, rng):
    array = random_marginal(rng, "float32", SHAPE)
    analysis = segopt.analyze(array, volume=volume)
    assert analysis.volume_constrained.volume == volume
    assert analysis == reference_analysis(array, volume=volume)


def exact_values(array, votes):
    """m of every voxel as a Fraction, computed by Python alone."""
    if votes is not None:
        return [Fraction(int(v), votes) for v in array.ravel()]
    return [Fraction(float(v)) for v in array.ravel()]


@pytest.mark.parametrize("type_name", ALL_TYPES)
@pytest.mark.parametrize("metric,least", [("dice", False), ("dice", True), ("accuracy", False), ("accuracy", True)])
def test_segment_is_the_exact_threshold_mask(type_name, metric, least, rng):
    array = random_marginal(rng, type_name, SHAPE)
    votes = votes_for(type_name)
    analysis = segopt.analyze(array, votes=votes)
    optimum = getattr(analysis, metric)
    t = optimum.threshold_exact
    expected = np.array([m > t if least else m >= t for m in exact_values(array, votes)]).reshape(SHAPE)
    mask = segopt.segment(array, metric, least, votes=votes)
    assert mask.dtype == np.bool_ and mask.shape == SHAPE and mask.flags.writeable
    assert np.array_equal(mask, expected)
    assert mask.sum() == (optimum.least_volume if least else optimum.greatest_volume)


@pytest.mark.parametrize("volume", [None, 0, 37])
def test_segment_volume_takes_ties_lowest_index_first(volume, rng):
    array = random_marginal(rng, "float32", SHAPE)
    analysis = segopt.analyze(array, volume=volume)
    v = analysis.volume_constrained
    exact = exact_values(array, None)
    expected = np.zeros(len(exact), dtype=bool)
    if v.volume:
        above = [i for i, m in enumerate(exact) if m > v.level_exact]
        ties = [i for i, m in enumerate(exact) if m == v.level_exact][:v.ties_taken]
        expected[above + ties] = True
    mask = segopt.segment(array, "volume", volume=volume)
    assert mask.sum() == v.volume
    assert np.array_equal(mask.ravel(), expected)


def test_segment_of_a_fortran_array_is_in_its_layout(rng):
    """Voxels of an F-contiguous array are numbered in memory order (as the CLI numbers a
    Fortran-order file's), and the mask comes back in the array's shape and layout."""
    array = np.asfortranarray(random_marginal(rng, "float32", SHAPE))
    mask = segopt.segment(array, "volume", volume=50)
    assert mask.shape == SHAPE and mask.flags.f_contiguous
    assert np.array_equal(mask.T, segopt.segment(np.ascontiguousarray(array.T), "volume", volume=50))
    assert np.array_equal(segopt.segment(array), segopt.segment(np.ascontiguousarray(array)))


def test_rater_masks_equal_their_vote_counts(rng):
    masks = [rng.random(SHAPE) < p for p in (0.2, 0.5, 0.7)]
    votes = sum(m.astype(np.int32) for m in masks)
    from_masks = segopt.analyze_masks(masks)
    from_votes = segopt.analyze(votes, votes=3)
    assert from_masks.encoding == "rater_masks" and from_votes.encoding == "votes"
    assert from_masks == dataclasses.replace(from_votes, encoding="rater_masks")
    assert segopt.analyze_masks([m.astype(np.uint16) for m in masks]) == from_masks


@requires_marginal("ofFloat16")
def test_float16_equals_its_exact_float32_widening(rng):
    array = random_marginal(rng, "float16", SHAPE)
    analysis = segopt.analyze(array)
    assert analysis == reference_analysis(array)
    assert dataclasses.replace(analysis, encoding="float32") == segopt.analyze(array.astype(np.float32))
    big_endian = array.astype(">f2")
    assert segopt.analyze(big_endian) == analysis


@requires_marginal("ofFloat16")
def test_float16_calibration_equals_float32(rng):
    array = random_marginal(rng, "float16", SHAPE)
    assert segopt.Calibrator().calibrate(array) == segopt.Calibrator().calibrate(array.astype(np.float32))
