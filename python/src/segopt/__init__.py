"""segopt from Python: the exact Accuracy- and Dice-optimal segmentations of a noisy-label
marginal m in [0, 1], computed in-process by segopt's Java engine (through JPype).

Inputs are NumPy arrays (float16, float32, float64; uint8, uint16, int32 vote counts with
``votes=R``; bool rater masks) and torch tensors (the same dtypes and bfloat16). C- and
F-contiguous arrays and CPU tensors are read where they lie, without a copy; any other layout is
copied once into C order. CUDA tensors go to the engine's GPU path (``analyze`` and
``Calibrator.calibrate``). The JVM starts on the first call, once per process; do not fork the
process after that (use the "spawn" start method for worker processes).

Beyond one marginal: ``analyze(array, channel_axis=K)`` and ``analyze_labels`` (multi-class),
``rater_dice`` (the rater-averaged Dice of binary rater masks) and ``common_threshold`` (one exact
threshold for a validation set held in memory).

Every call releases the GIL while the engine runs (JPype releases it for every Java call), so
several Python threads can analyze at once (every function is thread-safe); a ``Calibrator``
belongs to the thread that made it.
Invalid values raise ValueError with the engine's one-line message (the first bad voxel and its
value); a missing JDK or unbuilt jars raise RuntimeError saying what was looked for.
"""
import contextlib
import operator
import threading

import numpy as np

from . import _arrays, _cuda, _java, _results
from ._arrays import HostArray, rater_masks, torch_tensor
from ._results import (Analysis, Bounds, Calibration, CaseThreshold, CommonThreshold, Interval, Optimum, RaterDice,
                       ThresholdInterval, VolumeConstrained)

__all__ = ["analyze", "optimum", "segment", "analyze_masks", "analyze_labels", "rater_dice", "common_threshold",
           "Calibrator", "Analysis", "Calibration", "Optimum", "VolumeConstrained", "Interval", "Bounds",
           "CommonThreshold", "ThresholdInterval", "CaseThreshold", "RaterDice"]

#: The largest label ``analyze_labels`` accepts (as the CLI's ``--labels``).
_MAX_LABEL = 65535
#: The most label maps: the most raters a vote count holds (``Marginal.MAX_RATERS``).
_MAX_LABEL_MAPS = 65535

_SEGMENTATIONS = {("accuracy", False): "ACCURACY_GREATEST", ("accuracy", True): "ACCURACY_LEAST",
                  ("dice", False): "DICE_GREATEST", ("dice", True): "DICE_LEAST",
                  ("volume", False): "VOLUME_CONSTRAINED"}


def analyze(array, *, votes=None, volume=None, channel_axis=None):
    """The exact optima of the marginal in ``array``: sup, threshold and least and greatest optimal
    volumes of Accuracy and Dice, the Theorem 4 optimum at ``volume`` (default floor(M + 1/2)) and
    the bounds of Theorems 1-3, as the CLI's ``analyze --json`` reports them.

    ``array``: probabilities (float16/32/64, torch.bfloat16), vote counts 0..R (integers, with
    ``votes=R``), or one bool rater mask. A C- or F-contiguous array or CPU tensor is not copied;
    another layout is copied once. A CUDA tensor is analysed on its device.

    ``channel_axis=K`` (negative counts from the end): ``array`` holds C channels (softmax or
    sigmoid outputs) along axis K, and the result is a list of C Analyses, channel 0 first, each
    of one channel's marginal (shape: the array's without axis K; ``volume`` applies to each).
    A channel is read without a copy where it is one contiguous block: axis 0 of a C-contiguous
    array or tensor, the last axis of an F-contiguous one (or where every slower axis has length
    1). Any other channel is copied into C order (a CUDA tensor's on its device), one channel at a
    time, so at most n / C values are held twice at once.
    """
    if channel_axis is not None:
        return [analyze(channel, votes=votes, volume=volume) for channel in _channels(array, channel_axis)]
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


def analyze_labels(maps, *, volume=None) -> list:
    """The ``analyze`` of each class of R rater label maps (integer arrays of one shape: 0 the
    background, 1..C the classes; C the largest label present, at most 65535): class c's marginal
    is votes(c) / R, the fraction of raters that labelled the voxel c, exactly (read as vote
    counts, ``encoding`` "votes", ``raters`` R). A list of C Analyses in label order 1..C (a label
    no rater used gets the analysis of m = 0). Host memory only; each class's counts (one byte a
    voxel, two beyond 255 raters) are built with NumPy one class at a time.
    """
    labels = [_label_map(m, r) for r, m in enumerate(_list_of_arrays(maps, "analyze_labels", "label maps"), start=1)]
    if len(labels) > _MAX_LABEL_MAPS:
        raise ValueError(f"analyze_labels takes at most {_MAX_LABEL_MAPS} label maps, not {len(labels)}")
    for r, array in enumerate(labels[1:], start=2):
        if array.shape != labels[0].shape:
            raise ValueError(f"label map {r} has shape {array.shape}, label map 1 {labels[0].shape}")
    largest = max(int(array.max()) for array in labels)
    if largest == 0:
        raise ValueError("no voxel of " + ("the label map" if len(labels) == 1 else f"any of the {len(labels)} label maps")
                         + " has a class label (every value is 0, background)")
    counts = np.empty(labels[0].shape, np.uint8 if len(labels) <= 255 else np.uint16)
    analyses = []
    for label in range(1, largest + 1):
        counts.fill(0)
        for array in labels:
            counts += array == label
        analyses.append(analyze(counts, votes=len(labels), volume=volume))
    return analyses


def rater_dice(masks) -> RaterDice:
    """The rater-averaged Dice E[D_L](s) = (1/R) sum_r D(s, L_r) of 1..16 binary rater ``masks``
    (bool or integer 0/1 arrays of one shape, in host memory, read without copying as
    ``analyze_masks`` reads them), maximized exactly over all segmentations, with the two cross
    scores against the Dice D_{E[L]} that ``analyze_masks`` optimizes (org.segopt.raters.RaterDice;
    the CLI's ``analyze --metric rater-dice``). D(empty, empty) = 1 for each rater term.
    """
    hosts = [HostArray(mask) for mask in _list_of_arrays(masks, "rater_dice", "rater masks")]
    m = rater_masks(hosts)
    with _java.translated_errors():
        return _results.rater_dice(_java.classes().RaterDice.of(m))


def common_threshold(arrays, *, metric="dice", objective="mean", votes=None) -> CommonThreshold:
    """The one threshold t that is best for a whole validation set, exactly: every case k is
    segmented as I{m_k >= t} and scored with ``metric`` (as for ``optimum``) against its soft m_k,
    and ``objective`` "mean" maximizes the mean of the cases' scores, "pooled" the score of all
    voxels pooled. The CLI's ``calibrate --json`` (org.segopt.calibrate.ThresholdSearch) on arrays
    in memory: each case is histogrammed once and read again only where the search refines it.

    ``arrays``: a list of cases, each what ``analyze`` takes in host memory (probabilities, or vote
    counts with ``votes``: one R for every case, or a list of one R, or None for probabilities, per
    case), read as ``analyze`` reads it (in place when C- or F-contiguous). Bad input raises
    ValueError naming the case (from 1).
    """
    for name, value in (("metric", metric), ("objective", objective)):
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, not {value!r}")
    cases = _list_of_arrays(arrays, "common_threshold", "cases")
    if isinstance(votes, (list, tuple)):
        if len(votes) != len(cases):
            raise ValueError(f"votes lists {len(votes)} rater counts for {len(cases)} cases")
        raters = [_index(r) for r in votes]
    else:
        raters = [_index(votes)] * len(cases)
    j = _java.classes()
    hosts = []  # keep the arrays alive while the engine reads them
    marginals = j.ArrayList()
    for k, (array, r) in enumerate(zip(cases, raters), start=1):
        with _naming(f"case {k}"):
            hosts.append(HostArray(array))
            marginals.add(hosts[-1].marginal(r, shaped=False))
    with _java.translated_errors():
        result = j.ThresholdSearch.of(marginals, j.Metric.parse(metric), j.Objective.parse(objective),
                                      j.Engine.parallel())
    return _results.common_threshold(result)


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


def _channels(array, axis):
    """The channels of ``array`` along ``axis``: views (CPU or CUDA tensors, NumPy arrays), one at a time."""
    tensor = torch_tensor(array)
    data = tensor if tensor is not None else np.asarray(array)
    axis = operator.index(axis)
    shape = tuple(data.shape)
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"channel axis {axis} is out of range for shape {shape} ({len(shape)} axes)")
    for c in range(shape[axis]):
        yield data.select(axis, c) if tensor is not None else np.moveaxis(data, axis, 0)[c]


def _list_of_arrays(values, function, what):
    """``values`` as a non-empty list, refusing one array (which would be iterated along its first axis)."""
    if isinstance(values, np.ndarray) or torch_tensor(values) is not None:
        raise ValueError(f"{function} takes a list of arrays ({what}), not one array")
    values = list(values)
    if not values:
        raise ValueError(f"{function} needs at least one array ({what})")
    return values


def _label_map(obj, r):
    """Label map ``r`` as a NumPy view, checked to hold labels 0..65535."""
    array, type_name = _arrays.as_numpy(obj)
    if array.dtype.kind not in "biu":
        raise ValueError(f"label map {r} must hold integer labels, not {type_name}")
    if array.size == 0:
        raise ValueError(f"label map {r} has no voxels")
    for bad, rule in ((array < 0, "negative"), (array > _MAX_LABEL, f"above the largest label {_MAX_LABEL}")):
        if bad.any():
            voxel = int(np.argmax(bad.ravel(order="K")))
            raise ValueError(f"label map {r}: voxel {voxel} has value {array.ravel(order='K')[voxel]}, {rule} "
                             "(a label map holds 0 for background and 1..C for the classes)")
    return array


@contextlib.contextmanager
def _naming(what):
    """Prefixes a ValueError's one line with ``what`` (e.g. the case at fault)."""
    try:
        yield
    except ValueError as e:
        raise ValueError(f"{what}: {e}") from None
