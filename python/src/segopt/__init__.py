"""segopt from Python: the exact Accuracy- and Dice-optimal segmentations of a noisy-label
marginal m in [0, 1], computed in-process by segopt's Java engine (through JPype).

Inputs are NumPy arrays (float16, float32, float64; uint8, uint16, int32 vote counts with
``votes=R``; bool rater masks) and torch tensors (the same dtypes and bfloat16). C- and
F-contiguous arrays and CPU tensors are read where they lie, without a copy; any other layout is
copied once into C order. CUDA tensors go to the engine's GPU path (``analyze`` and
``Calibrator.calibrate``). The JVM starts on the first call, once per process; do not fork the
process after that (use the "spawn" start method for worker processes).

Every call releases the GIL while the engine runs (JPype releases it for every Java call), so
several Python threads can analyze at once; a ``Calibrator`` belongs to the thread that made it.
Invalid values raise ValueError with the engine's one-line message (the first bad voxel and its
value); a missing JDK or unbuilt jars raise RuntimeError saying what was looked for.
"""
import operator
import threading

import numpy as np

from . import _arrays, _cuda, _java, _results
from ._arrays import HostArray, rater_masks, torch_tensor
from ._results import Analysis, Bounds, Calibration, Interval, Optimum, VolumeConstrained

__all__ = ["analyze", "optimum", "segment", "analyze_masks", "Calibrator", "Analysis", "Calibration", "Optimum",
           "VolumeConstrained", "Interval", "Bounds"]

_SEGMENTATIONS = {("accuracy", False): "ACCURACY_GREATEST", ("accuracy", True): "ACCURACY_LEAST",
                  ("dice", False): "DICE_GREATEST", ("dice", True): "DICE_LEAST",
                  ("volume", False): "VOLUME_CONSTRAINED"}


def analyze(array, *, votes=None, volume=None) -> Analysis:
    """The exact optima of the marginal in ``array``: sup, threshold and least and greatest optimal
    volumes of Accuracy and Dice, the Theorem 4 optimum at ``volume`` (default floor(M + 1/2)) and
    the bounds of Theorems 1-3, as the CLI's ``analyze --json`` reports them.

    ``array``: probabilities (float16/32/64, torch.bfloat16), vote counts 0..R (integers, with
    ``votes=R``), or one bool rater mask. A C- or F-contiguous array or CPU tensor is not copied;
    another layout is copied once. A CUDA tensor is analysed on its device.
    """
    volume = _index(volume)
    tensor = torch_tensor(array)
    if tensor is not None and tensor.is_cuda:
        return _cuda.analyze(tensor, _index(votes), volume)
    host = HostArray(array)
    return _analysis(host.marginal(_index(votes)), host.shape, volume)


def optimum(array, metric, *, votes=None) -> Optimum:
    """The exact optima of a metric of the Tversky family on the marginal in ``array`` (as for
    ``analyze``; host memory only): ``metric`` is ``"dice"``, ``"jaccard"``, ``"fbeta:B"`` or
    ``"tversky:A,B"`` (A weighs false positives, B false negatives; decimals or p/q, read exactly).
    Every optimum lies between I{m > threshold} and I{m >= threshold}.
    """
    m = HostArray(array).marginal(_index(votes))
    j = _java.classes()
    with _java.translated_errors():
        return _results.optimum(j.Engine.parallel().optimum(m, j.Metric.parse(metric)))


def segment(array, metric="dice", least=False, *, votes=None, volume=None) -> np.ndarray:
    """An optimal segmentation of ``array`` (as for ``analyze``; host memory only) as a bool array
    of its shape, decided exactly: ``"dice"`` I{m >= tau*}, ``"accuracy"`` I{m >= 1/2} (``least``:
    I{m > tau*}, I{m > 1/2}), ``"volume"`` the ``volume`` voxels of largest m (Theorem 4; default
    floor(M + 1/2)), ties taken lowest index (in memory order) first; ``"jaccard"``,
    ``"fbeta:B"``, ``"tversky:A,B"`` the greatest (``least``: least) optimum of that metric (see
    ``optimum``).
    """
    if not isinstance(metric, str):
        raise ValueError(f"metric must be a string, not {metric!r}")
    which = _SEGMENTATIONS.get((metric, bool(least)))
    tversky = which is None and metric != "volume"
    if volume is not None and metric != "volume":
        raise ValueError("volume applies to metric 'volume' only")
    if which is None and not tversky:
        raise ValueError("least applies to metric 'accuracy', 'dice', 'jaccard', 'fbeta:B' or 'tversky:A,B' only")
    volume = _index(volume)
    host = HostArray(array)
    if host.array.size > _arrays.MAX_MASK_VOXELS:
        raise ValueError(f"the array has {host.array.size} voxels; segment returns masks of at most "
                         f"{_arrays.MAX_MASK_VOXELS} voxels")
    m = host.marginal(_index(votes))
    j = _java.classes()
    engine = j.Engine.parallel()
    if tversky:
        with _java.translated_errors():
            best = engine.optimum(m, j.Metric.parse(metric))
            return host.mask(engine.segment(m, best, not least))
    a = _engine_analysis(m, volume)
    with _java.translated_errors():
        return host.mask(engine.segment(m, a, getattr(j.Segmentation, which)))


def analyze_masks(masks, *, volume=None) -> Analysis:
    """The ``analyze`` of m = the mean of binary rater ``masks`` (bool or integer 0/1 arrays of one
    shape, in host memory), read without copying as ``analyze`` reads arrays."""
    volume = _index(volume)
    hosts = [HostArray(mask) for mask in masks]
    if not hosts:
        raise ValueError("analyze_masks needs at least one rater mask")
    return _analysis(rater_masks(hosts).withShape(hosts[0].shape), hosts[0].shape, volume)


class Calibrator:
    """Finds tau* and the optimal volumes of one marginal after another, as in a training loop: the
    engine's ``ThresholdCalibrator``, which keeps its tables between calls. Takes what ``analyze``
    takes (CUDA tensors on their device). Belongs to the thread that made it: make one per thread.
    """

    def __init__(self):
        j = _java.classes()
        self._calibrator = j.ThresholdCalibrator()
        self._into = j.Calibration()
        self._thread = threading.get_ident()

    def calibrate(self, array, *, votes=None) -> Calibration:
        """tau*, the exact cut, sup D and the optimal volumes of the marginal in ``array``."""
        if threading.get_ident() != self._thread:
            raise RuntimeError("segopt: a Calibrator belongs to the thread that made it; make one per thread")
        tensor = torch_tensor(array)
        if tensor is not None and tensor.is_cuda:
            return _cuda.calibrate(tensor, _index(votes))
        m = HostArray(array).marginal(_index(votes), shaped=False)
        with _java.translated_errors():
            return _results.calibration(self._calibrator.calibrate(m, self._into))


def _analysis(m, shape, volume):
    a = _engine_analysis(m, volume)
    encoding = m.encoding()
    return _results.analysis(a, str(encoding.name()).lower(), int(m.raters()) if encoding.isVoteType() else None,
                             shape)


def _engine_analysis(m, volume):
    """The parallel engine's ``org.segopt.Analysis`` of m, Theorem 4 at ``volume`` (None: the default)."""
    engine = _java.classes().Engine.parallel()
    with _java.translated_errors():
        return engine.analyze(m) if volume is None else engine.analyze(m, volume)


def _index(value):
    """An integer argument (votes R, a volume) as a Python int; None stays None."""
    return None if value is None else operator.index(value)
