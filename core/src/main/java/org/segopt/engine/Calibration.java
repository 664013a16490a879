package org.segopt.engine;

/**
 * The Dice and Accuracy optima of one marginal as a {@link ThresholdCalibrator} reports them:
 * primitives only, so a training loop can read them without allocating. The volumes and the cut
 * are exact; τ* and sup D are the doubles nearest to within 10^-9 of the exact values (see
 * {@link org.segopt.Analysis} for exact fractions).
 *
 * <p>A mutable holder, overwritten by each calibration that fills it.
 */
public final class Calibration {
    long voxels;
    double mass;
    double supDice;
    double threshold;
    double cut;
    long diceLeastVolume;
    long diceGreatestVolume;
    long accuracyLeastVolume;
    long accuracyGreatestVolume;

    /** n. */
    public long voxels() {
        return voxels;
    }

    /** M = Σ m in voxels, approximately. */
    public double mass() {
        return mass;
    }

    /** sup D, the best achievable Dice. */
    public double supDice() {
        return supDice;
    }

    /** τ* = sup D / 2, the Dice-optimal threshold. */
    public double threshold() {
        return threshold;
    }

    /**
     * The smallest value of m in the greatest Dice optimum. For float input it is exact, so
     * {@code m >= cut} (for float32: {@code m >= (float) cut}) reproduces s^D = I{m ≥ τ*} bit for
     * bit; for vote-type input it is c / R rounded to a double. Infinite when the optimum is
     * empty (m ≡ 0).
     */
    public double cut() {
        return cut;
    }

    /** #{m > τ*}. */
    public long diceLeastVolume() {
        return diceLeastVolume;
    }

    /** #{m ≥ τ*}, the volume of s^D. */
    public long diceGreatestVolume() {
        return diceGreatestVolume;
    }

    /** #{m > ½}. */
    public long accuracyLeastVolume() {
        return accuracyLeastVolume;
    }

    /** #{m ≥ ½}, the volume of s^A. */
    public long accuracyGreatestVolume() {
        return accuracyGreatestVolume;
    }

    @Override
    public String toString() {
        return "Calibration[n=" + voxels + ", supDice=" + supDice + ", threshold=" + threshold + ", cut=" + cut
                + ", dice volumes=[" + diceLeastVolume + ", " + diceGreatestVolume + "], accuracy volumes=["
                + accuracyLeastVolume + ", " + accuracyGreatestVolume + "]]";
    }
}
