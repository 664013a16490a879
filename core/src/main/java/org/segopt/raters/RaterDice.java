package org.segopt.raters;

import java.util.Arrays;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * The rater-averaged Dice E[D_L(s)] = (1/R) Σ_r D(s, L_r) of R ≤ 16 rater masks, maximized over
 * all segmentations s, exactly; beside it the two cross scores that show how far this criterion
 * is from D_{E[L]}, the Dice against the marginal m = mean of the masks that the engine optimizes
 * (the two agree when every rater draws the same volume).
 *
 * <p>At volume k, D(s, L_r) = 2|s ∩ L_r| / (k + |L_r|), so the best s of volume k takes the k
 * voxels of largest Σ_r L_ri / (k + |L_r|); voxels with the same raters are interchangeable, and the
 * search works on their histogram (see {@code VolumeSearch}). Convention: D(∅, ∅) = 1 for each
 * rater term, so a rater with an empty mask scores 1 only for s = ∅.
 *
 * @param sup                    sup_s E[D_L(s)]
 * @param leastVolume            the least volume of an E[D_L]-optimal segmentation
 * @param greatestVolume         the greatest volume of an E[D_L]-optimal segmentation (optimal
 *                               volumes need not form an interval)
 * @param ratio                  greatestVolume / M, M = Σ_r |L_r| / R the expected volume; null
 *                               when M = 0
 * @param marginalDiceOfOptimum  D_{E[L]} of the E[D_L]-optimal segmentation of the greatest optimal
 *                               volume (the largest among them: where voxels of equal weight tie,
 *                               those with more raters are taken first)
 * @param raterDiceOfDiceOptimum E[D_L] of s^D = I{m ≥ τ*}, the greatest Dice-optimal segmentation
 */
public record RaterDice(Fraction sup, long leastVolume, long greatestVolume, Fraction ratio,
                        Fraction marginalDiceOfOptimum, Fraction raterDiceOfDiceOptimum) {
    /** The most rater masks: the histogram has one bin per subset of the raters. */
    public static final int MAX_RATERS = 16;

    /**
     * The rater-averaged Dice optimum of {@code masks}, with s^D taken from {@code analysis}, the
     * engine's analysis of the same marginal. One pass over the masks.
     *
     * @throws IllegalArgumentException if {@code masks} are not rater masks, or more than 16
     * @throws org.segopt.InvalidMarginalException if a mask holds a value other than 0 and 1
     */
    public static RaterDice of(Marginal masks, Analysis analysis) {
        RaterPatterns patterns = RaterPatterns.count(masks);
        int r = patterns.raters();
        long[] raterVolumes = patterns.raterVolumes();
        long totalVolume = Arrays.stream(raterVolumes).sum();
        long emptyRaters = Arrays.stream(raterVolumes).filter(v -> v == 0).count();
        List<PatternClass> classes = patterns.classes();
        long[] volumes = patterns.groupVolumes();
        VolumeSearch search = new VolumeSearch(volumes, classes);

        Fraction tau = analysis.dice().threshold();
        long[] diceTaken = new long[volumes.length];
        long diceVolume = 0;
        for (PatternClass c : classes) {
            if (Fraction.of(c.raters(), r).compareTo(tau) >= 0) {
                diceVolume += c.count();
                for (int g = 0; g < volumes.length; g++) {
                    diceTaken[g] += c.multiplicity()[g] * c.count();
                }
            }
        }
        // On the scale of Ψ = (R/2)·E[D_L]: a rater with an empty mask adds 1/2 at k = 0 only.
        VolumeSearch.Optimum optimum = search.maximize(Rational.of(emptyRaters, 2), Math.max(diceVolume, 1));
        long k = optimum.greatest();
        long votes = k == 0 ? 0 : Arrays.stream(search.topSet(k).taken()).sum();
        return new RaterDice(
                optimum.value().times(2).dividedBy(r).toFraction(),
                optimum.least(),
                k,
                totalVolume == 0 ? null : Fraction.of((long) r * k, totalVolume),
                k + totalVolume == 0 ? Fraction.ONE : Fraction.of(2 * votes, (long) r * k + totalVolume),
                raterDice(volumes, diceTaken, diceVolume, emptyRaters, r));
    }

    /** {@link #of(Marginal, Analysis)} with the analysis of {@link Engine#scalar()}: a second pass. */
    public static RaterDice of(Marginal masks) {
        RaterPatterns.requireMasks(masks); // before the engine reads them
        return of(masks, Engine.scalar().analyze(masks));
    }

    /** E[D_L] of a set of volume k with t_g voxels in the raters of volume b_g. */
    private static Fraction raterDice(long[] volumes, long[] taken, long k, long emptyRaters, int r) {
        if (k == 0) {
            return Fraction.of(emptyRaters, r);
        }
        Rational sum = Rational.ZERO;
        for (int g = 0; g < volumes.length; g++) {
            sum = sum.plus(Rational.of(2 * taken[g], k + volumes[g]));
        }
        return sum.dividedBy(r).toFraction();
    }
}
