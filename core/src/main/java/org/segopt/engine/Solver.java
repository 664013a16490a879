package org.segopt.engine;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.Analysis.Bounds;
import org.segopt.Analysis.Interval;
import org.segopt.Analysis.Optimum;
import org.segopt.Analysis.VolumeConstrained;
import org.segopt.Curves;
import org.segopt.Fraction;

/**
 * Exact decisions on a {@link LevelTable}. With levels in descending order, the top-k segmentation
 * that ends after level i has volume K_i and Σ m = S_i, so (in numerators over the denominator d,
 * with M = Σ m) Dice is 2·S_i / (K_i·d + M) and Accuracy (2·S_i − M + (n − K_i)·d) / (n·d). Dice
 * is linear-fractional inside a run of equal values, so its maximum is at a level boundary; the
 * best boundary gives sup D exactly, compared by integer cross products.
 *
 * <p>Inexact (coarse) levels are harmless where no decision falls inside them; {@link #unresolved}
 * names the ones that must be refined before {@link #analysis} may be called.
 */
final class Solver {
    private static final BigInteger TWO = BigInteger.TWO;

    private final LevelTable table;
    private final long voxels;
    private final BigInteger d;
    private final BigInteger mass;
    /** K_i: volume after level i. */
    private final long[] volume;
    /** S_i: Σ m after level i (numerator). */
    private final BigInteger[] sum;
    /** sup D = diceP / diceQ over the boundaries of the current levels. */
    private BigInteger diceP;
    private BigInteger diceQ;

    Solver(LevelTable table) {
        this.table = table;
        this.voxels = table.marginal.voxels();
        this.d = table.denominator;
        this.mass = table.mass;
        int size = table.levels.size();
        volume = new long[size];
        sum = new BigInteger[size];
        if (mass.signum() == 0) {
            diceP = BigInteger.ONE; // both empty: Dice 1 by convention
            diceQ = BigInteger.ONE;
        } else {
            diceP = BigInteger.ZERO;
            diceQ = BigInteger.ONE;
        }
        long k = 0;
        BigInteger s = BigInteger.ZERO;
        for (int i = 0; i < size; i++) {
            Level level = table.levels.get(i);
            k += level.count();
            s = s.add(level.sum());
            volume[i] = k;
            sum[i] = s;
            if (mass.signum() > 0) {
                BigInteger p = s.shiftLeft(1);
                BigInteger q = BigInteger.valueOf(k).multiply(d).add(mass);
                if (p.multiply(diceQ).compareTo(diceP.multiply(q)) > 0) {
                    diceP = p;
                    diceQ = q;
                }
            }
        }
    }

    /** The default volume of Theorem 4: ⌊M + ½⌋ voxels. */
    static long defaultVolume(LevelTable table) {
        BigInteger d = table.denominator;
        return table.mass.shiftLeft(1).add(d).divide(d.shiftLeft(1)).longValueExact();
    }

    /**
     * Indices (ascending, at most {@link LevelTable#MAX_REFINED_PER_PASS}) of inexact levels that a
     * decision falls into: one that might hide a better Dice boundary, one containing τ* or ½, or
     * the one holding the {@code target}-th largest voxel (Theorem 4).
     */
    List<Integer> unresolved(long target) {
        List<Integer> out = new ArrayList<>();
        List<Level> levels = table.levels;
        for (int i = 0; i < levels.size() && out.size() < LevelTable.MAX_REFINED_PER_PASS; i++) {
            Level level = levels.get(i);
            if (level.exact()) {
                continue;
            }
            long kBefore = i == 0 ? 0 : volume[i - 1];
            BigInteger sBefore = i == 0 ? BigInteger.ZERO : sum[i - 1];
            BigInteger count = BigInteger.valueOf(level.count());
            // An inner boundary j of this level has S ≤ sBefore + j·hi; the bound is monotone in j.
            boolean mayHideBetterDice = mass.signum() > 0 && TWO.multiply(sBefore.add(count.multiply(level.hi())))
                    .multiply(diceQ).compareTo(diceP.multiply(BigInteger.valueOf(kBefore + level.count()).multiply(d).add(mass))) > 0;
            if (mayHideBetterDice || containsDiceThreshold(level) || containsHalf(level)
                    || (kBefore < target && target <= volume[i])) {
                out.add(i);
            }
        }
        return out;
    }

    private boolean containsDiceThreshold(Level level) {
        // lo/d ≤ P/(2Q) ≤ hi/d
        BigInteger t = diceP.multiply(d);
        BigInteger q2 = diceQ.shiftLeft(1);
        return level.lo().multiply(q2).compareTo(t) <= 0 && t.compareTo(level.hi().multiply(q2)) <= 0;
    }

    private boolean containsHalf(Level level) {
        return level.lo().shiftLeft(1).compareTo(d) <= 0 && d.compareTo(level.hi().shiftLeft(1)) <= 0;
    }

    /** The analysis; valid once {@link #unresolved} is empty for the same target volume. */
    Analysis analysis(long target) {
        BigInteger n = BigInteger.valueOf(voxels);
        BigInteger nd = n.multiply(d);
        Fraction massVoxels = table.value(mass);

        // Accuracy: m > ½ in, m < ½ out, m = ½ free.
        int accGreatest = lastLevel(lo -> lo.shiftLeft(1).compareTo(d) >= 0);
        int accLeast = lastLevel(lo -> lo.shiftLeft(1).compareTo(d) > 0);
        long accGreatestVolume = volumeAt(accGreatest);
        BigInteger accSum = sumAt(accGreatest);
        Fraction accSup = Fraction.of(accSum.shiftLeft(1).subtract(mass).add(n.subtract(BigInteger.valueOf(accGreatestVolume)).multiply(d)), nd);
        Optimum accuracy = new Optimum(accSup, Fraction.HALF, volumeAt(accLeast), accGreatestVolume, ratio(accGreatestVolume));

        // Dice: m > τ* in, m < τ* out, m = τ* free; compare lo/d with P/(2Q).
        BigInteger t = diceP.multiply(d);
        BigInteger q2 = diceQ.shiftLeft(1);
        int diceGreatest = lastLevel(lo -> lo.multiply(q2).compareTo(t) >= 0);
        int diceLeast = lastLevel(lo -> lo.multiply(q2).compareTo(t) > 0);
        long diceGreatestVolume = volumeAt(diceGreatest);
        Optimum dice = new Optimum(Fraction.of(diceP, diceQ), Fraction.of(diceP, q2), volumeAt(diceLeast),
                diceGreatestVolume, ratio(diceGreatestVolume));

        VolumeConstrained constrained = volumeConstrained(target);

        Fraction twoM = table.value(mass.shiftLeft(1));
        Fraction nf = Fraction.of(voxels, 1);
        Fraction accLower = twoM.compareTo(nf) > 0 ? table.value(mass.shiftLeft(1).subtract(nd)) : Fraction.ZERO;
        Interval accBound = new Interval(accLower, twoM.compareTo(nf) < 0 ? twoM : nf);
        Interval diceBound = new Interval(Fraction.of(mass.multiply(mass), d.multiply(d).multiply(n)), nf);
        Bounds bounds = new Bounds(accBound, accBound.contains(accuracy.leastVolume(), accuracy.greatestVolume()),
                diceBound, diceBound.contains(dice.leastVolume(), dice.greatestVolume()),
                accuracy.greatestVolume() <= dice.leastVolume());
        return new Analysis(voxels, massVoxels, accuracy, dice, constrained, bounds);
    }

    private VolumeConstrained volumeConstrained(long v) {
        BigInteger n = BigInteger.valueOf(voxels);
        BigInteger s = BigInteger.ZERO;
        Fraction level = null;
        long ties = 0;
        if (v > 0) {
            int i = 0;
            while (volume[i] < v) {
                i++;
            }
            Level l = table.levels.get(i);
            long before = i == 0 ? 0 : volume[i - 1];
            ties = v - before;
            s = (i == 0 ? BigInteger.ZERO : sum[i - 1]).add(l.lo().multiply(BigInteger.valueOf(ties)));
            level = table.value(l.lo());
        }
        BigInteger bv = BigInteger.valueOf(v);
        Fraction accuracy = Fraction.of(s.shiftLeft(1).subtract(mass).add(n.subtract(bv).multiply(d)), n.multiply(d));
        BigInteger q = bv.multiply(d).add(mass);
        Fraction dice = q.signum() == 0 ? Fraction.ONE : Fraction.of(s.shiftLeft(1), q);
        return new VolumeConstrained(v, accuracy, dice, level, ties);
    }

    /** The plotting curves at every boundary of the current levels. */
    Curves curves() {
        int size = table.levels.size() + 1;
        double[] level = new double[size];
        double[] vol = new double[size];
        double[] acc = new double[size];
        double[] dice = new double[size];
        BigInteger n = BigInteger.valueOf(voxels);
        BigInteger nd = n.multiply(d);
        for (int i = 0; i < size; i++) {
            long k = i == 0 ? 0 : volume[i - 1];
            BigInteger s = i == 0 ? BigInteger.ZERO : sum[i - 1];
            level[i] = i == 0 ? 1.0 : table.value(table.levels.get(i - 1).lo()).doubleValue();
            vol[i] = (double) k / voxels;
            BigInteger bk = BigInteger.valueOf(k);
            acc[i] = Fraction.of(s.shiftLeft(1).subtract(mass).add(n.subtract(bk).multiply(d)), nd).doubleValue();
            BigInteger q = bk.multiply(d).add(mass);
            dice[i] = q.signum() == 0 ? 1.0 : Fraction.of(s.shiftLeft(1), q).doubleValue();
        }
        return new Curves(level, vol, acc, dice);
    }

    /** Index of the last level whose lower bound satisfies {@code in} (a prefix property), or −1. */
    private int lastLevel(java.util.function.Predicate<BigInteger> in) {
        int last = -1;
        while (last + 1 < table.levels.size() && in.test(table.levels.get(last + 1).lo())) {
            last++;
        }
        return last;
    }

    private long volumeAt(int index) {
        return index < 0 ? 0 : volume[index];
    }

    private BigInteger sumAt(int index) {
        return index < 0 ? BigInteger.ZERO : sum[index];
    }

    private Fraction ratio(long greatestVolume) {
        return mass.signum() == 0 ? null : Fraction.of(BigInteger.valueOf(greatestVolume).multiply(d), mass);
    }
}
