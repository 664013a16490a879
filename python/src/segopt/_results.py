"""The engine's results as dataclasses: the fields of the CLI's ``analyze --json`` object in
snake_case, every exact value as a ``fractions.Fraction`` (``*_exact``) beside its float."""
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Tuple


@dataclass(frozen=True)
class Optimum:
    """The optima of one metric: every optimal segmentation lies between I{m > threshold} and
    I{m >= threshold}, and every volume in [least_volume, greatest_volume] is attained."""
    sup: float
    sup_exact: Fraction
    threshold: float
    threshold_exact: Fraction
    least_volume: int
    greatest_volume: int
    ratio: Optional[float]
    """greatest_volume / mass (the paper's Table 1 quantity); None when the mass is 0."""
    ratio_exact: Optional[Fraction]


@dataclass(frozen=True)
class VolumeConstrained:
    """Theorem 4: at volume v both metrics are maximized by the v voxels of largest m (every voxel
    with m > level, then ``ties_taken`` voxels with m = level, lowest index first)."""
    volume: int
    accuracy: float
    accuracy_exact: Fraction
    dice: float
    dice_exact: Fraction
    level: Optional[float]
    """The smallest m taken; None when the volume is 0."""
    level_exact: Optional[Fraction]
    ties_taken: int


@dataclass(frozen=True)
class Interval:
    """A volume bound [lower, upper] in voxels, and whether the optimal volumes lie inside."""
    lower: float
    lower_exact: Fraction
    upper: float
    upper_exact: Fraction
    holds: bool


@dataclass(frozen=True)
class Bounds:
    """Theorems 1-3: V^A in ``accuracy``, V^D in ``dice``, and sup V^A <= inf V^D."""
    accuracy: Interval
    dice: Interval
    accuracy_below_dice: bool


@dataclass(frozen=True)
class Analysis:
    """Everything segopt computes about one marginal m over n voxels, exactly (volumes in voxels)."""
    voxels: int
    mass: float
    mass_exact: Fraction
    encoding: str
    """float16, bfloat16, float32, float64, votes or rater_masks."""
    raters: Optional[int]
    """R for votes and rater masks, else None."""
    shape: Tuple[int, ...]
    accuracy: Optimum
    dice: Optimum
    jaccard: Optimum
    """Jaccard J = D / (2 - D): the Dice optima (threshold, volumes), sup J derived exactly."""
    volume_constrained: VolumeConstrained
    bounds: Bounds


@dataclass(frozen=True)
class Calibration:
    """What ``Calibrator.calibrate`` finds: the Dice-optimal threshold tau* = sup D / 2 and the
    optimal volumes. Volumes and ``cut`` are exact; ``sup_dice``, ``threshold`` and ``mass`` are the
    doubles nearest (to within 1e-9 of) the exact values, which ``analyze`` gives as fractions."""
    voxels: int
    mass: float
    sup_dice: float
    threshold: float
    cut: float
    """The smallest m in the greatest Dice optimum: ``m >= cut`` (float32: ``m >= np.float32(cut)``)
    is s^D = I{m >= tau*} bit for bit; infinite when s^D is empty (m == 0 everywhere)."""
    dice_least_volume: int
    dice_greatest_volume: int
    accuracy_least_volume: int
    accuracy_greatest_volume: int


@dataclass(frozen=True)
class ThresholdInterval:
    """Every t in (below, threshold] (every t <= threshold when ``below`` is None) segments every
    case alike: the interval between two consecutive data values of the validation set."""
    below: Optional[float]
    below_exact: Optional[Fraction]
    threshold: float
    threshold_exact: Fraction


@dataclass(frozen=True)
class CaseThreshold:
    """One case at the common threshold: its metric, |I{m >= threshold}|, and its own optimum (the
    sup of its metric over all segmentations; 1 when its mass is 0)."""
    score: float
    score_exact: Fraction
    optimum: float
    optimum_exact: Fraction
    volume: int
    voxels: int
    mass: float
    mass_exact: Fraction


@dataclass(frozen=True)
class CommonThreshold:
    """The exact optimum of one threshold t shared by every case k of a validation set, each
    segmented as I{m_k >= t} and scored against its soft m_k: the fields of the CLI's ``calibrate
    --json`` object in snake_case, but for its ``errors`` (bad input raises) and the cases' ``id``
    (``per_case`` is in input order)."""
    cases: int
    metric: str
    objective: str
    """``mean`` (the mean over cases of each case's metric) or ``pooled`` (all voxels pooled)."""
    threshold: float
    """The greatest optimal t; every t in ``optima[-1]`` gives the same segmentations."""
    threshold_exact: Fraction
    score: float
    score_exact: Fraction
    at_half: float
    """The objective at t = 1/2."""
    at_half_exact: Fraction
    oracle: float
    """The mean of each case's own optimum: the bound no common threshold can pass."""
    oracle_exact: Fraction
    optima: Tuple[ThresholdInterval, ...]
    """Every optimal interval of t, ascending."""
    per_case: Tuple[CaseThreshold, ...]


@dataclass(frozen=True)
class RaterDice:
    """The rater-averaged Dice E[D_L](s) = (1/R) sum_r D(s, L_r) of R <= 16 rater masks, maximized
    exactly over all segmentations s, as ``analyze --metric rater-dice --json`` reports it."""
    sup: float
    sup_exact: Fraction
    least_volume: int
    greatest_volume: int
    """The least and greatest volume of an optimum (optimal volumes need not form an interval)."""
    ratio: Optional[float]
    """greatest_volume / M, M = sum_r |L_r| / R; None when every mask is empty."""
    ratio_exact: Optional[Fraction]
    marginal_dice_of_optimum: float
    """Dice against m = mean of the masks of the optimum of the greatest volume."""
    marginal_dice_of_optimum_exact: Fraction
    rater_dice_of_dice_optimum: float
    """E[D_L] of s^D = I{m >= tau*}, the greatest Dice-optimal segmentation of m."""
    rater_dice_of_dice_optimum_exact: Fraction


def analysis(a, encoding, raters, shape):
    """An Analysis from the engine's ``org.segopt.Analysis`` record ``a``."""
    v = a.volumeConstrained()
    b = a.bounds()
    mass = _fraction(a.mass())
    return Analysis(
        voxels=int(a.voxels()), mass=float(mass), mass_exact=mass, encoding=encoding, raters=raters,
        shape=shape, accuracy=_optimum(a.accuracy()), dice=_optimum(a.dice()),
        jaccard=_optimum(a.jaccard()),
        volume_constrained=VolumeConstrained(
            volume=int(v.volume()), **_exact("accuracy", v.accuracy()), **_exact("dice", v.dice()),
            **_optional("level", v.level()), ties_taken=int(v.tiesTaken())),
        bounds=Bounds(accuracy=_interval(b.accuracy(), b.accuracyHolds()), dice=_interval(b.dice(), b.diceHolds()),
                      accuracy_below_dice=bool(b.accuracyBelowDice())))


def calibration(c):
    """A Calibration from ``org.segopt.engine.Calibration`` or ``org.segopt.gpu.DeviceCalibration``."""
    return Calibration(int(c.voxels()), float(c.mass()), float(c.supDice()), float(c.threshold()), float(c.cut()),
                       int(c.diceLeastVolume()), int(c.diceGreatestVolume()), int(c.accuracyLeastVolume()),
                       int(c.accuracyGreatestVolume()))


def optimum(o):
    """An Optimum from the engine's ``org.segopt.Analysis.Optimum`` record ``o``."""
    return _optimum(o)


def _optimum(o):
    return Optimum(**_exact("sup", o.sup()), **_exact("threshold", o.threshold()), least_volume=int(o.leastVolume()),
                   greatest_volume=int(o.greatestVolume()), **_optional("ratio", o.ratio()))


def _interval(i, holds):
    return Interval(**_exact("lower", i.lower()), **_exact("upper", i.upper()), holds=bool(holds))


def _exact(name, java_fraction):
    """``{name: float, name_exact: Fraction}`` of an ``org.segopt.Fraction`` (never null here)."""
    exact = _fraction(java_fraction)
    return {name: float(exact), name + "_exact": exact}


def _fraction(java_fraction):
    # float(Fraction) rounds correctly, as org.segopt.Fraction.doubleValue does (the CLI's floats).
    return None if java_fraction is None else Fraction(str(java_fraction.toString()))


def common_threshold(r):
    """A CommonThreshold from ``org.segopt.calibrate.CommonThreshold`` ``r``."""
    optima = tuple(ThresholdInterval(**_optional("below", i.below()), **_exact("threshold", i.threshold()))
                   for i in r.optima())
    per_case = tuple(CaseThreshold(**_exact("score", c.score()), **_exact("optimum", c.optimum()), volume=int(c.volume()),
                                   voxels=int(c.voxels()), **_exact("mass", c.mass())) for c in r.cases())
    return CommonThreshold(
        cases=len(per_case), metric=str(r.metric().name()), objective=str(r.objective().label()),
        **_exact("threshold", r.threshold()), **_exact("score", r.score()), **_exact("at_half", r.atHalf()),
        **_exact("oracle", r.oracle()), optima=optima, per_case=per_case)


def rater_dice(d):
    """A RaterDice from ``org.segopt.raters.RaterDice`` ``d``."""
    return RaterDice(**_exact("sup", d.sup()), least_volume=int(d.leastVolume()), greatest_volume=int(d.greatestVolume()),
                     **_optional("ratio", d.ratio()), **_exact("marginal_dice_of_optimum", d.marginalDiceOfOptimum()),
                     **_exact("rater_dice_of_dice_optimum", d.raterDiceOfDiceOptimum()))


def _optional(name, java_fraction):
    """``{name: float or None, name_exact: Fraction or None}`` of an ``org.segopt.Fraction`` or null."""
    exact = _fraction(java_fraction)
    return {name: None if exact is None else float(exact), name + "_exact": exact}
