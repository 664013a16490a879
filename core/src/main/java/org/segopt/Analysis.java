package org.segopt;

/**
 * Everything segopt computes about one marginal m over n voxels, exactly. Volumes are voxel
 * counts; scores and thresholds are exact {@link Fraction}s.
 *
 * <p>Conventions: Dice of two empty sets is 1, so for m ≡ 0 the only Dice optimum is ∅, sup D = 1,
 * τ* = ½ and every ratio is undefined (null).
 *
 * @param voxels            n
 * @param mass              M = ‖m‖₁ = Σ m, the expected volume in voxels
 * @param accuracy          the Accuracy optima (Theorem 1)
 * @param dice              the Dice optima (Theorem 2)
 * @param volumeConstrained the common Accuracy and Dice optimum at a fixed volume (Theorem 4)
 * @param bounds            the volume bounds of Theorems 1-3 and whether they hold
 */
public record Analysis(long voxels, Fraction mass, Optimum accuracy, Optimum dice,
                       VolumeConstrained volumeConstrained, Bounds bounds)
        implements java.io.Serializable {

    /**
     * The Jaccard optima, derived exactly from Dice's: J = D / (2 − D) increases with D, so Jaccard
     * has Dice's optimal segmentations (threshold τ*, volumes and ratio) and
     * sup J = sup D / (2 − sup D) (1 for m ≡ 0).
     */
    public Optimum jaccard() {
        Fraction d = dice.sup();
        Fraction j = Fraction.of(d.numerator(), d.denominator().shiftLeft(1).subtract(d.numerator()));
        return new Optimum(j, dice.threshold(), dice.leastVolume(), dice.greatestVolume(), dice.ratio());
    }

    /**
     * The optima of one metric: every optimal segmentation lies between I{m > threshold} and
     * I{m ≥ threshold}, and every volume in [leastVolume, greatestVolume] is attained.
     *
     * @param sup            the best achievable score (Accuracy as a fraction of n)
     * @param threshold      ½ for Accuracy; τ* = sup D / 2 for Dice; τ = sup·α / (1 − sup·(1 − α − β))
     *                       for a {@link Metric} of the Tversky family
     * @param leastVolume    #{m > threshold}
     * @param greatestVolume #{m ≥ threshold}
     * @param ratio          greatestVolume / mass (the quantity of the paper's Table 1); null when
     *                       mass is 0
     */
    public record Optimum(Fraction sup, Fraction threshold, long leastVolume, long greatestVolume,
                          Fraction ratio) implements java.io.Serializable {
    }

    /**
     * Theorem 4: with the volume fixed to v, Accuracy and Dice are both maximized by the v voxels of
     * largest m. The segmentation takes every voxel with m > level and the first {@code tiesTaken}
     * voxels (lowest index first) with m = level.
     *
     * @param volume    v in voxels (by default ⌊M + ½⌋)
     * @param accuracy  the best Accuracy at volume v, a fraction of n
     * @param dice      the best Dice at volume v
     * @param level     the smallest m taken; null when v = 0
     * @param tiesTaken how many voxels with m = level are taken
     */
    public record VolumeConstrained(long volume, Fraction accuracy, Fraction dice, Fraction level,
                                    long tiesTaken) implements java.io.Serializable {
    }

    /**
     * A closed interval of volumes in voxels.
     *
     * @param lower least volume
     * @param upper greatest volume
     */
    public record Interval(Fraction lower, Fraction upper) implements java.io.Serializable {
        /** Whether [least, greatest] lies inside this interval. */
        public boolean contains(long least, long greatest) {
            return lower.compareTo(Fraction.of(least, 1)) <= 0 && Fraction.of(greatest, 1).compareTo(upper) <= 0;
        }
    }

    /**
     * The paper's sharp volume bounds, in voxels, and whether this marginal's optima satisfy them
     * (they always should: a false here is a bug).
     *
     * @param accuracy         Theorem 1: V^A ⊆ [max(2M − n, 0), min(2M, n)]
     * @param accuracyHolds    whether [leastVolume, greatestVolume] of Accuracy lies inside
     * @param dice             Theorem 2: V^D ⊆ [M² / n, n]
     * @param diceHolds        whether [leastVolume, greatestVolume] of Dice lies inside
     * @param accuracyBelowDice Theorem 3: sup V^A ≤ inf V^D
     */
    public record Bounds(Interval accuracy, boolean accuracyHolds, Interval dice, boolean diceHolds,
                         boolean accuracyBelowDice) implements java.io.Serializable {
    }
}
