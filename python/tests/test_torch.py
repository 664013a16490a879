"""A small PyTorch training loop calibrates the sigmoid outputs of every batch in-process; each
tau* and every volume equals ``analyze``'s exact answer, and the cut reproduces s^D."""
import dataclasses

import numpy as np
import pytest
import torch

import segopt
from conftest import requires_marginal

torch.manual_seed(20260)


class TinySegmenter(torch.nn.Module):
    """Two 3-D convolutions: a stand-in for a segmentation network."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Conv3d(1, 4, 3, padding=1), torch.nn.ReLU(),
                                          torch.nn.Conv3d(4, 1, 3, padding=1))

    def forward(self, x):
        return self.layers(x)


def noisy_batch(size=4, side=12):
    """Images and the mean of three noisy raters' masks of a blob (a marginal as training target)."""
    x = torch.randn(size, 1, side, side, side)
    blob = (x.abs() > 0.8).float()
    raters = [(blob + 0.3 * torch.randn_like(blob) > 0.5).float() for _ in range(3)]
    return x, sum(raters) / 3


def test_training_loop_calibrates_every_batch():
    model = TinySegmenter()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    calibrator = segopt.Calibrator()
    checked = 0
    for step in range(5):
        x, target = noisy_batch()
        probs = torch.sigmoid(model(x))
        loss = torch.nn.functional.binary_cross_entropy(probs, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        for sample in probs[:, 0]:                      # requires grad: read in place, detached
            c = calibrator.calibrate(sample)
            exact = segopt.analyze(sample)
            assert abs(c.threshold - float(exact.dice.threshold_exact)) <= 1e-9
            assert abs(c.sup_dice - float(exact.dice.sup_exact)) <= 1e-9
            assert (c.dice_least_volume, c.dice_greatest_volume) == (exact.dice.least_volume,
                                                                      exact.dice.greatest_volume)
            assert (c.accuracy_least_volume, c.accuracy_greatest_volume) == (exact.accuracy.least_volume,
                                                                              exact.accuracy.greatest_volume)
            s_dice = sample.detach() >= np.float32(c.cut)
            assert int(s_dice.sum()) == c.dice_greatest_volume
            assert np.array_equal(s_dice.numpy(), segopt.segment(sample))
            checked += 1
    assert checked == 20


def test_tensor_equals_its_numpy_array():
    probs = torch.sigmoid(torch.randn(3, 8, 8, 8))
    assert segopt.analyze(probs) == segopt.analyze(probs.numpy())
    assert segopt.Calibrator().calibrate(probs) == segopt.Calibrator().calibrate(probs.numpy())
    assert segopt.analyze(probs.double()) == segopt.analyze(probs.double().numpy())
    votes = (probs * 5).round().to(torch.uint8)
    assert segopt.analyze(votes, votes=5) == segopt.analyze(votes.numpy(), votes=5)


def test_non_contiguous_tensor_is_copied_once():
    probs = torch.sigmoid(torch.randn(8, 8, 8)).permute(2, 0, 1)[::2]
    assert not probs.is_contiguous()
    assert segopt.analyze(probs) == segopt.analyze(probs.contiguous())


@requires_marginal("ofBFloat16")
def test_bfloat16_equals_its_exact_float32_widening():
    probs = torch.sigmoid(torch.randn(6, 7, 8)).to(torch.bfloat16)
    analysis = segopt.analyze(probs)
    assert analysis.encoding == "bfloat16"
    assert dataclasses.replace(analysis, encoding="float32") == segopt.analyze(probs.float())
    assert segopt.Calibrator().calibrate(probs) == segopt.Calibrator().calibrate(probs.float())
    assert np.array_equal(segopt.segment(probs), segopt.segment(probs.float()))


@requires_marginal("ofFloat16")
def test_float16_tensor_equals_its_float32_widening():
    probs = torch.sigmoid(torch.randn(6, 7, 8)).half()
    assert dataclasses.replace(segopt.analyze(probs), encoding="float32") == segopt.analyze(probs.float())


def test_unsupported_tensor_dtype_is_named():
    with pytest.raises(ValueError, match="not int64"):
        segopt.analyze(torch.zeros(3, dtype=torch.int64), votes=2)
