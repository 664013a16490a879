package org.segopt.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import org.segopt.Analysis;
import org.segopt.Analysis.Bounds;
import org.segopt.Analysis.Interval;
import org.segopt.Analysis.Optimum;
import org.segopt.Analysis.VolumeConstrained;
import org.segopt.BitMask;
import org.segopt.Fraction;

/**
 * A brute-force exact reference for the engine, written on purpose the other way round: every voxel
 * becomes an exact rational (vote counts c / R; floats through {@code new BigDecimal(double)}), the
 * voxels are SORTED in descending order (stable, so ties keep ascending index order), and Dice and
 * Accuracy of the top-k set are evaluated for EVERY k = 0..n with BigInteger arithmetic. Nothing
 * here uses histograms, bins, bit patterns or the engine's classes other than the result records.
 *
 * <p>All values are kept as integer numerators {@code a[i]} over one common denominator
 * {@code L} (the least common multiple of the voxels' reduced denominators), so m_i = a[i] / L,
 * M = A / L with A = Σ a[i], and for the top-k set with numerator sum S_k:
 * D(k) = 2 S_k / (k L + A) (1 when k L + A = 0), A(k) = (2 S_k − A + (n − k) L) / (n L).
 *
 * <p>The reference also checks itself: the argmax of D(k) / A(k) over k must be exactly the volume
 * interval given by the threshold counts #{m > τ} .. #{m ≥ τ} (Lemma 1 + "ties are free").
 */
final class ExactReference {
    private final int n;
    /** Common denominator L. */
    private final BigInteger den;
    /** a[i] = m_i · L, in voxel (memory) order. */
    private final BigInteger[] num;
    /** Voxel indices by m descending, ties by ascending index. */
    private final int[] order;
    /** prefix[k] = S_k = Σ of the k largest numerators; prefix[n] = A. */
    private final BigInteger[] prefix;
    private final BigInteger total;

    // Dice: sup D = diceP / diceQ (as found by scanning every k); the k range attaining it.
    private final BigInteger diceP;
    private final BigInteger diceQ;
    private final long diceFirstK;
    private final long diceLastK;
    // Accuracy: the k range attaining sup A.
    private final long accFirstK;
    private final long accLastK;

    private ExactReference(BigInteger[] nums, BigInteger[] dens) {
        if (nums.length == 0) {
            throw new IllegalArgumentException("empty");
        }
        n = nums.length;
        BigInteger l = BigInteger.ONE;
        BigInteger[] rn = new BigInteger[n];
        BigInteger[] rd = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            if (nums[i].signum() < 0 || dens[i].signum() <= 0) {
                throw new IllegalArgumentException("not a non-negative rational at " + i);
            }
            BigInteger g = nums[i].gcd(dens[i]);
            rn[i] = g.signum() == 0 ? BigInteger.ZERO : nums[i].divide(g);
            rd[i] = g.signum() == 0 ? BigInteger.ONE : dens[i].divide(g);
            if (rn[i].compareTo(rd[i]) > 0) {
                throw new IllegalArgumentException("value above 1 at " + i);
            }
            l = l.divide(l.gcd(rd[i])).multiply(rd[i]);
        }
        den = l;
        num = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            num[i] = rn[i].multiply(l.divide(rd[i]));
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        // Arrays.sort on objects is stable: equal values keep ascending index order.
        Arrays.sort(boxed, Comparator.comparing((Integer i) -> num[i]).reversed());
        order = new int[n];
        prefix = new BigInteger[n + 1];
        prefix[0] = BigInteger.ZERO;
        for (int k = 0; k < n; k++) {
            order[k] = boxed[k];
            prefix[k + 1] = prefix[k].add(num[order[k]]);
        }
        total = prefix[n];

        // Scan every k for the best Dice and the best Accuracy.
        Best<BigInteger[]> dice = best(n, this::diceNumDen, (x, y) -> x[0].multiply(y[1]).compareTo(y[0].multiply(x[1])));
        diceP = dice.value()[0];
        diceQ = dice.value()[1];
        diceFirstK = dice.first();
        diceLastK = dice.last();
        Best<BigInteger> accuracy = best(n, this::accuracyNumerator, Comparator.naturalOrder()); // over n L
        accFirstK = accuracy.first();
        accLastK = accuracy.last();

        selfCheck();
    }

    /** The largest value over k = 0..n and the first and last k attaining it. */
    private record Best<T>(T value, long first, long last) {
    }

    private static <T> Best<T> best(int n, java.util.function.IntFunction<T> value, Comparator<T> order) {
        T best = null;
        long first = -1;
        long last = -1;
        for (int k = 0; k <= n; k++) {
            T v = value.apply(k);
            int c = best == null ? 1 : order.compare(v, best);
            if (c > 0) {
                best = v;
                first = k;
                last = k;
            } else if (c == 0) {
                last = k;
            }
        }
        return new Best<>(best, first, last);
    }

    // ---- factories -----------------------------------------------------------------------------

    /** m_i = counts[i] / raters. */
    static ExactReference ofCounts(long[] counts, long raters) {
        BigInteger[] nums = new BigInteger[counts.length];
        BigInteger[] dens = new BigInteger[counts.length];
        BigInteger r = BigInteger.valueOf(raters);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0 || counts[i] > raters) {
                throw new IllegalArgumentException("bad count " + counts[i] + " at " + i);
            }
            nums[i] = BigInteger.valueOf(counts[i]);
            dens[i] = r;
        }
        return new ExactReference(nums, dens);
    }

    /** The exact values of doubles (a float widens to a double exactly), through BigDecimal. */
    static ExactReference ofDoubles(double[] values) {
        BigInteger[] nums = new BigInteger[values.length];
        BigInteger[] dens = new BigInteger[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw new IllegalArgumentException("bad value " + values[i] + " at " + i);
            }
            BigDecimal exact = new BigDecimal(values[i]); // -0.0 becomes 0
            if (exact.scale() >= 0) {
                nums[i] = exact.unscaledValue();
                dens[i] = BigInteger.TEN.pow(exact.scale());
            } else {
                nums[i] = exact.unscaledValue().multiply(BigInteger.TEN.pow(-exact.scale()));
                dens[i] = BigInteger.ONE;
            }
        }
        return new ExactReference(nums, dens);
    }

    static ExactReference ofFloats(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return ofDoubles(d);
    }

    // ---- raw access ------------------------------------------------------------------------------

    int voxels() {
        return n;
    }

    /** The common denominator L. */
    BigInteger denominator() {
        return den;
    }

    /** m_i · L. */
    BigInteger numerator(int i) {
        return num[i];
    }

    /** Σ m · L. */
    BigInteger totalNumerator() {
        return total;
    }

    /** m_i exactly. */
    Fraction value(int i) {
        return Fraction.of(num[i], den);
    }

    /** The k-th largest value (k from 0). */
    Fraction sortedValue(int k) {
        return Fraction.of(num[order[k]], den);
    }

    // ---- the top-k functions ---------------------------------------------------------------------

    private BigInteger[] diceNumDen(long k) {
        BigInteger q = BigInteger.valueOf(k).multiply(den).add(total);
        if (q.signum() == 0) {
            return new BigInteger[] {BigInteger.ONE, BigInteger.ONE};
        }
        return new BigInteger[] {prefix[(int) k].shiftLeft(1), q};
    }

    private BigInteger accuracyNumerator(long k) {
        return prefix[(int) k].shiftLeft(1).subtract(total)
                .add(BigInteger.valueOf(n - k).multiply(den));
    }

    /** D(k): Dice of the top-k set. */
    Fraction diceAt(long k) {
        BigInteger[] d = diceNumDen(k);
        return Fraction.of(d[0], d[1]);
    }

    /** A(k): Accuracy of the top-k set, as a fraction of n. */
    Fraction accuracyAt(long k) {
        return Fraction.of(accuracyNumerator(k), BigInteger.valueOf(n).multiply(den));
    }

    // ---- derived quantities ------------------------------------------------------------------------

    Fraction mass() {
        return Fraction.of(total, den);
    }

    Fraction supDice() {
        return Fraction.of(diceP, diceQ);
    }

    Fraction diceThreshold() {
        return Fraction.of(diceP, diceQ.shiftLeft(1));
    }

    Fraction supAccuracy() {
        return accuracyAt(accFirstK);
    }

    long accuracyLeast() {
        return accFirstK;
    }

    long accuracyGreatest() {
        return accLastK;
    }

    long diceLeast() {
        return diceFirstK;
    }

    long diceGreatest() {
        return diceLastK;
    }

    /** greatest / M, null when M = 0. */
    Fraction ratio(long greatest) {
        return total.signum() == 0 ? null : Fraction.of(BigInteger.valueOf(greatest).multiply(den), total);
    }

    /** Theorem 4's default volume ⌊M + ½⌋ = ⌊(2A + L) / 2L⌋. */
    long defaultVolume() {
        return total.shiftLeft(1).add(den).divide(den.shiftLeft(1)).longValueExact();
    }

    /** Theorem 4 at volume v: the top-v set (ties lowest index first). */
    VolumeConstrained volumeConstrained(long v) {
        if (v < 0 || v > n) {
            throw new IllegalArgumentException("volume " + v);
        }
        if (v == 0) {
            return new VolumeConstrained(0, accuracyAt(0), diceAt(0), null, 0);
        }
        BigInteger cut = num[order[(int) v - 1]];
        long above = 0;
        for (BigInteger a : num) {
            if (a.compareTo(cut) > 0) {
                above++;
            }
        }
        return new VolumeConstrained(v, accuracyAt(v), diceAt(v), Fraction.of(cut, den), v - above);
    }

    /** The analysis the engine must report, field by field, with Theorem 4 at volume v. */
    Analysis analysis(long v) {
        Optimum accuracy = new Optimum(supAccuracy(), Fraction.HALF, accFirstK, accLastK, ratio(accLastK));
        Optimum dice = new Optimum(supDice(), diceThreshold(), diceFirstK, diceLastK, ratio(diceLastK));
        Interval accBound = accuracyBound();
        Interval diceBound = diceBound();
        Bounds bounds = new Bounds(accBound, inside(accBound, accFirstK, accLastK), diceBound,
                inside(diceBound, diceFirstK, diceLastK), accLastK <= diceFirstK);
        return new Analysis(n, mass(), accuracy, dice, volumeConstrained(v), bounds);
    }

    Analysis analysis() {
        return analysis(defaultVolume());
    }

    /** Theorem 1 in voxels: [max(2M − n, 0), min(2M, n)]. */
    Interval accuracyBound() {
        BigInteger twoA = total.shiftLeft(1);
        BigInteger nL = BigInteger.valueOf(n).multiply(den);
        BigInteger lower = twoA.subtract(nL).max(BigInteger.ZERO);
        BigInteger upper = twoA.min(nL);
        return new Interval(Fraction.of(lower, den), Fraction.of(upper, den));
    }

    /** Theorem 2 in voxels: [M² / n, n]. */
    Interval diceBound() {
        return new Interval(Fraction.of(total.multiply(total), den.multiply(den).multiply(BigInteger.valueOf(n))),
                Fraction.of(n, 1));
    }

    private static boolean inside(Interval interval, long least, long greatest) {
        // lower ≤ least and greatest ≤ upper, by cross products (not Interval.contains)
        Fraction lo = interval.lower();
        Fraction hi = interval.upper();
        boolean a = lo.numerator().compareTo(BigInteger.valueOf(least).multiply(lo.denominator())) <= 0;
        boolean b = BigInteger.valueOf(greatest).multiply(hi.denominator()).compareTo(hi.numerator()) <= 0;
        return a && b;
    }

    // ---- sets --------------------------------------------------------------------------------------

    /** I{m ≥ t}. */
    boolean[] atLeast(Fraction t) {
        boolean[] s = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = compare(i, t) >= 0;
        }
        return s;
    }

    /** I{m > t}. */
    boolean[] above(Fraction t) {
        boolean[] s = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = compare(i, t) > 0;
        }
        return s;
    }

    /** The first v voxels of the stable descending order: Theorem 4, ties lowest index first. */
    boolean[] top(long v) {
        boolean[] s = new boolean[n];
        for (int k = 0; k < v; k++) {
            s[order[k]] = true;
        }
        return s;
    }

    /** Sign of m_i − t. */
    int compare(int i, Fraction t) {
        return num[i].multiply(t.denominator()).compareTo(t.numerator().multiply(den));
    }

    long count(boolean[] s) {
        long c = 0;
        for (boolean b : s) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** Dice of an arbitrary segmentation, exactly. */
    Fraction diceOf(boolean[] s) {
        BigInteger sum = BigInteger.ZERO;
        long k = 0;
        for (int i = 0; i < n; i++) {
            if (s[i]) {
                sum = sum.add(num[i]);
                k++;
            }
        }
        BigInteger q = BigInteger.valueOf(k).multiply(den).add(total);
        return q.signum() == 0 ? Fraction.ONE : Fraction.of(sum.shiftLeft(1), q);
    }

    /** Accuracy of an arbitrary segmentation, exactly, as a fraction of n. */
    Fraction accuracyOf(boolean[] s) {
        BigInteger sum = BigInteger.ZERO;
        long k = 0;
        for (int i = 0; i < n; i++) {
            if (s[i]) {
                sum = sum.add(num[i]);
                k++;
            }
        }
        return Fraction.of(sum.shiftLeft(1).subtract(total).add(BigInteger.valueOf(n - k).multiply(den)),
                BigInteger.valueOf(n).multiply(den));
    }

    static boolean[] bits(BitMask mask) {
        boolean[] s = new boolean[Math.toIntExact(mask.voxels())];
        for (int i = 0; i < s.length; i++) {
            s[i] = mask.get(i);
        }
        return s;
    }

    // ---- self check --------------------------------------------------------------------------------

    /** The argmax intervals must equal the threshold counts; a failure here is a reference bug. */
    private void selfCheck() {
        long accAbove = count(above(Fraction.HALF));
        long accAtLeast = count(atLeast(Fraction.HALF));
        if (accAbove != accFirstK || accAtLeast != accLastK) {
            throw new AssertionError("reference: argmax A = [" + accFirstK + ", " + accLastK + "] but #{m>1/2}="
                    + accAbove + ", #{m>=1/2}=" + accAtLeast);
        }
        Fraction tau = diceThreshold();
        long dAbove = count(above(tau));
        long dAtLeast = count(atLeast(tau));
        if (dAbove != diceFirstK || dAtLeast != diceLastK) {
            throw new AssertionError("reference: argmax D = [" + diceFirstK + ", " + diceLastK + "] but #{m>tau}="
                    + dAbove + ", #{m>=tau}=" + dAtLeast + ", tau=" + tau);
        }
    }

    @Override
    public String toString() {
        return "ExactReference[n=" + n + ", M=" + mass() + ", supD=" + supDice() + ", V^D=[" + diceFirstK + ", "
                + diceLastK + "], V^A=[" + accFirstK + ", " + accLastK + "]]";
    }
}
