"""Multi-class input: analyze(array, channel_axis=K) against analyzing each channel copied out on
its own, its contiguous channels read in place, and analyze_labels against vote counts built here
voxel by voxel from the label maps."""
import numpy as np
import pytest
import torch

import segopt
from conftest import random_marginal
from segopt._arrays import HostArray


def channel(array, c, axis):
    return np.ascontiguousarray(np.take(array, c, axis=axis))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_each_channel_is_analyzed_as_its_own_array(order, axis, rng):
    array = np.asarray(random_marginal(rng, "float32", (3, 4, 5)), order=order)
    analyses = segopt.analyze(array, channel_axis=axis)
    assert analyses == [segopt.analyze(channel(array, c, axis)) for c in range(array.shape[axis])]
    assert analyses[0].shape == tuple(np.delete(array.shape, axis))


def test_votes_volume_and_tensors_carry_over_to_every_channel(rng):
    votes = random_marginal(rng, "uint8", (4, 6, 2), raters=5)
    expected = [segopt.analyze(channel(votes, c, 2), votes=5, volume=3) for c in range(2)]
    assert segopt.analyze(votes, channel_axis=2, votes=5, volume=3) == expected
    assert segopt.analyze(torch.from_numpy(votes), channel_axis=-1, votes=5, volume=3) == expected


def test_contiguous_channels_are_read_in_place(rng):
    array = random_marginal(rng, "float32", (3, 4, 5))
    addresses = [HostArray(c).segment.address() for c in segopt._channels(array, 0)]
    assert addresses == [array.ctypes.data + c * array.strides[0] for c in range(3)]
    fortran = np.asfortranarray(array)
    assert HostArray(next(segopt._channels(fortran, -1))).segment.address() == fortran.ctypes.data
    tensor = torch.from_numpy(array)
    assert HostArray(next(segopt._channels(tensor, 0))).segment.address() == tensor.data_ptr()


def test_channel_axis_out_of_range():
    with pytest.raises(ValueError, match=r"^channel axis 2 is out of range for shape \(3, 4\) \(2 axes\)$"):
        segopt.analyze(np.zeros((3, 4), np.float32), channel_axis=2)


def votes_of(maps, label):
    """The vote count of ``label`` at each voxel, counted in plain Python."""
    flat = [m.ravel().tolist() for m in maps]
    counts = [sum(1 for m in flat if m[i] == label) for i in range(len(flat[0]))]
    return np.array(counts, np.uint16).reshape(maps[0].shape)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64])
def test_each_class_is_its_vote_fraction(dtype, rng):
    maps = [rng.integers(0, 4, (3, 5)).astype(dtype) for _ in range(3)]
    maps[0][0, 0] = 4  # C = 4 even where the other maps lack it
    expected = [segopt.analyze(votes_of(maps, c), votes=3) for c in range(1, 5)]
    assert segopt.analyze_labels(maps) == expected
    assert [a.encoding for a in expected] == ["votes"] * 4 and expected[0].raters == 3


def test_many_raters_tensors_and_volume(rng):
    maps = [rng.integers(0, 3, 6) for _ in range(300)]  # more than 255 raters: two-byte counts
    expected = [segopt.analyze(votes_of(maps, c), votes=300, volume=2) for c in (1, 2)]
    assert segopt.analyze_labels([torch.from_numpy(m) for m in maps], volume=2) == expected


def test_a_label_no_rater_used_is_m_zero():
    result = segopt.analyze_labels([np.array([0, 2, 2]), np.array([2, 0, 2])])
    assert len(result) == 2 and result[0].mass_exact == 0 and result[1].mass_exact == 4 / 2


@pytest.mark.parametrize("maps,message", [
    ([np.array([0.0, 1.0])], "^label map 1 must hold integer labels, not float64$"),
    ([np.array([0, 1]), np.array([1, -1])], r"^label map 2: voxel 1 has value -1, negative \(a label map holds 0"),
    ([np.array([0, 70000])], "^label map 1: voxel 1 has value 70000, above the largest label 65535"),
    ([np.array([0, 1]), np.array([0, 1, 1])], r"^label map 2 has shape \(3,\), label map 1 \(2,\)$"),
    ([np.zeros(3, np.uint8), np.zeros(3, np.uint8)], r"^no voxel of any of the 2 label maps has a class label"),
    ([np.array([], np.uint8)], "^label map 1 has no voxels$"),
    (np.ones((2, 3), np.uint8), "^analyze_labels takes a list of arrays"),
])
def test_bad_label_maps_raise_one_line(maps, message):
    with pytest.raises(ValueError, match=message):
        segopt.analyze_labels(maps)
