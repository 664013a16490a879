package org.segopt.engine;

import java.math.BigInteger;
import java.util.Arrays;
import org.segopt.Analysis;
import org.segopt.Analysis.Bounds;
import org.segopt.Analysis.Interval;
import org.segopt.Analysis.Optimum;
import org.segopt.Analysis.VolumeConstrained;
import org.segopt.Curves;
import org.segopt.Fraction;

/**
 * Exact decisions on a {@link LevelTable} for one metric of the Tversky family, reusable between
 * calls.
 *
 * <p>With levels in descending order, the top-k segmentation ending after level i has volume K_i
 * and Σ m = S_i, so the metric scores S_i / (c·S_i + α·K_i + β·M) (Dice: 2·S_i / (K_i + M); see
 * {@link Weights}) and Accuracy is (2·S_i − M + n − K_i) / n. The score is linear-fractional inside
 * a run of equal values, so its maximum is at a level boundary; every optimum lies between
 * I{m > τ} and I{m ≥ τ}, τ = sup·α / (1 − sup·c) (τ* = sup D / 2 for Dice).
 *
 * <p>Decisions are filtered in double precision and confirmed exactly: every double here is a sum
 * of at most L + 2 positive terms, each within a few units in the last place, added with
 * Neumaier's compensated summation, so its relative error is a small constant times 2^−53 however
 * many levels L there are. Two quantities farther apart than {@link #eps} (128·2^−53, plus a term
 * of order L·2^−106) are ordered correctly by their doubles; closer ones are compared in exact
 * integers (BigInteger numerators over the table's denominator); for other metrics eps grows by
 * {@link Weights#scoreError}, and the threshold's tolerance by {@link Weights#thresholdError}
 * as well (both 1 for Dice). Refinement choices only need to be conservative, so they never need
 * exact arithmetic. Usually no exact arithmetic runs at all, and then the calibrator allocates
 * nothing: only boundaries whose scores agree to about 14 digits, an exact tie among them, need
 * the exact comparison. (With plain summation eps grew with L, and a soft marginal's summary,
 * 10^4 levels near τ*, put several boundaries within it on every call.)
 */
final class Solver {
    private LevelTable t;
    private Weights weights;
    private long voxels;
    /** K_i: volume after level i. */
    private long[] volume = new long[16];
    /** S_i: Σ m after level i, approximately. */
    private double[] prefix = new double[16];
    private double mass;
    private boolean massZero;
    private double eps;
    /** The relative tolerance of the approximate threshold. */
    private double tauEps;
    /** Level after which the best boundary lies; −1 for the empty segmentation. */
    private int best;
    /** sup of the metric, approximately. */
    private double score;

    // Exact values, computed only when needed.
    private BigInteger exactMass;
    /** sup = supP / supQ and τ = tauP / tauQ, exactly. */
    private BigInteger supP;
    private BigInteger supQ;
    private BigInteger tauP;
    private BigInteger tauQ;
    private int cursor;
    private BigInteger cursorSum;

    /** Scans the levels for Dice (see {@link #solve(LevelTable, BigInteger, Weights)}). */
    void solve(LevelTable table, BigInteger knownExactMass) {
        solve(table, knownExactMass, Weights.DICE);
    }

    /**
     * Scans the levels for the metric of {@code metric}: volumes, approximate sums and the best
     * boundary. {@code knownExactMass} is M over the table's denominator when a previous call on
     * a coarser table of the same marginal computed it, else null.
     */
    void solve(LevelTable table, BigInteger knownExactMass, Weights metric) {
        t = table;
        weights = metric;
        voxels = table.marginal.voxels();
        int size = table.size;
        if (volume.length < size) {
            volume = new long[Math.max(size, volume.length * 2)];
            prefix = new double[volume.length];
        }
        long k = 0;
        double s = 0;
        double carry = 0; // Neumaier: s + carry is the sum so far, within 2^−52 of it and O(size · 2^−106)
        for (int i = 0; i < size; i++) {
            k += table.count[i];
            double x = table.sum[i];
            double t = s + x;
            carry += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
            s = t;
            volume[i] = k;
            prefix[i] = s + carry;
        }
        mass = s + carry;
        massZero = table.massIsZero();
        // Each level's sum is a double within 23 · 2^−53 of its exact value, relatively (a
        // product or two and a few additions, or at most 23 exact parts of an ExactSum added),
        // so every prefix and M is within 25 · 2^−53 (and the size term) and a score within
        // 52 · 2^−53: two boundaries farther apart than 2 · 52 < 128 are ordered by their
        // doubles. Sums down in the subnormal range lose relative precision: there the bound of
        // plain summation, which grows with the number of levels, is kept.
        double error = mass < 0x1p-900 ? 16.0 * size + 64 : 128 + 16 * size * 0x1p-53;
        eps = error * 0x1p-53 * metric.scoreError;
        tauEps = eps * metric.thresholdError;
        exactMass = knownExactMass;
        supP = null;
        tauP = null;
        cursor = -1;
        cursorSum = BigInteger.ZERO;
        if (massZero) {
            best = -1;
            score = 1; // both empty: the score is 1 by convention
            return;
        }
        best = -1;
        score = 0;
        double first = Double.NEGATIVE_INFINITY; // the two largest boundary scores, ties counted twice
        double second = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double d = metric.score(prefix[i], volume[i], mass);
            if (d > score) {
                score = d;
                best = i;
            }
            if (d > first) {
                second = first;
                first = d;
            } else if (d > second) {
                second = d;
            }
        }
        double floor = score * (1 - eps);
        if (second >= floor) { // two boundaries within rounding of the best (one scan: a soft table has 10^4 levels)
            resolveBestExactly(floor);
        }
    }

    /** Several boundaries are within rounding of the best: compare their scores exactly. */
    private void resolveBestExactly(double floor) {
        for (int i = 0; i < t.size; i++) {
            if (weights.score(prefix[i], volume[i], mass) < floor) {
                continue;
            }
            BigInteger s = exactPrefix(i);
            BigInteger p = weights.w.multiply(s);
            BigInteger q = exactDenominator(s, volume[i]);
            if (supP == null || p.multiply(supQ).compareTo(supP.multiply(q)) > 0) {
                supP = p;
                supQ = q;
                best = i;
            }
        }
    }

    /** Q = C·s + A·K·d + B·m: the exact score's denominator at mass s / d and volume k (see {@link Weights}). */
    private BigInteger exactDenominator(BigInteger s, long k) {
        BigInteger q = BigInteger.valueOf(k).multiply(t.denominator()).multiply(weights.aw)
                .add(exactMass().multiply(weights.bw));
        return weights.cw.signum() == 0 ? q : q.add(weights.cw.multiply(s));
    }

    /**
     * Writes into {@code out} (ascending, at most {@link LevelTable#MAX_REFINED_PER_PASS}) the
     * inexact levels a decision may fall into: one whose inner boundaries might beat the best
     * score, one that may contain τ or ½, or the one holding the {@code target}-th largest voxel.
     *
     * <p>The first test is implied by the second (Dinkelbach): let λ be the best boundary's score
     * and t = τ(λ) = λα / (1 − λc). Every set s has TP − λ·(TP + α·FP + β·FN)
     * = Σ_s (m·(1 − λc) − λα) − λβM ≤ Σ max(0, m·(1 − λc) − λα) − λβM, with equality for
     * s = {m > t}. When no level straddles t, {m > t} ends at a boundary, whose score is at most
     * λ, so that maximum is ≤ 0: no segmentation beats λ. Summary tables rely on this alone
     * (their range levels are wide); histogram tables keep the first test too.
     *
     * @return how many
     */
    int unresolved(long target, int[] out) {
        int n = 0;
        double tau = weights.threshold(score);
        for (int i = 0; i < t.size && n < LevelTable.MAX_REFINED_PER_PASS; i++) {
            if (t.exact(i)) {
                continue;
            }
            long kBefore = i == 0 ? 0 : volume[i - 1];
            double sBefore = i == 0 ? 0 : prefix[i - 1];
            long c = t.count[i];
            // An inner boundary after j voxels has S ≤ sBefore + j·hi, and the score grows with S;
            // the bound is linear-fractional, so monotone, in j. A summary's levels need no such
            // test: once no level straddles τ of the best boundary, its score is the sup (see
            // unresolved's Javadoc).
            boolean mayBeatBest = !massZero && !t.fromSummary
                    && weights.score(sBefore + c * t.hi[i], kBefore + c, mass) >= score * (1 - eps);
            boolean mayHoldTau = t.lo[i] <= tau * (1 + tauEps) && t.hi[i] >= tau * (1 - tauEps);
            boolean mayHoldHalf = t.lo[i] <= 0.5 && t.hi[i] >= 0.5;
            boolean holdsTarget = kBefore < target && target <= volume[i];
            if (mayBeatBest || mayHoldTau || mayHoldHalf || holdsTarget) {
                out[n++] = i;
            }
        }
        return n;
    }

    // ---- decisions (valid once unresolved() is empty) -------------------------------------------

    /** Index of the last level with m ≥ ½ ({@code strict}: m > ½), or −1. */
    int lastAboveHalf(boolean strict) {
        return lastLevel(false, strict);
    }

    /** Index of the last level with m ≥ τ ({@code strict}: m > τ), or −1. */
    int lastAboveThreshold(boolean strict) {
        return lastLevel(!massZero, strict);
    }

    /** Volume after level i (0 for i = −1). */
    long volumeAfter(int i) {
        return i < 0 ? 0 : volume[i];
    }

    /** The value of the {@code target}-th largest voxel, approximately (NaN for target 0). */
    double valueAtVolume(long target) {
        return target <= 0 ? Double.NaN : t.lo[levelHolding(target)];
    }

    /** M, approximately. */
    double approximateMass() {
        return mass;
    }

    /** The metric's sup, approximately (relative error below {@link #eps}). */
    double sup() {
        return score;
    }

    /** The metric's threshold τ, approximately (relative error below eps · {@link Weights#thresholdError}). */
    double threshold() {
        return weights.threshold(score);
    }

    private int compareToHalf(int i) {
        if (t.format == null) {
            return Long.compare(2 * t.keyLo[i], t.marginal.raters());
        }
        return Double.compare(t.lo[i], 0.5); // float levels are exact doubles
    }

    private int compareToTau(int i) {
        double tau = threshold();
        double diff = t.lo[i] - tau;
        if (Math.abs(diff) > 2 * tauEps * tau) {
            return diff > 0 ? 1 : -1;
        }
        exactSup();
        // lo / d versus tauP / tauQ
        return t.loNumerator(i).multiply(tauQ).compareTo(tauP.multiply(t.denominator()));
    }

    /**
     * Levels descend, so "level ≥ threshold" holds on a prefix: binary search its end. The
     * threshold is the metric's τ when {@code tau}, else ½.
     */
    private int lastLevel(boolean tau, boolean strict) {
        int lo = 0;
        int hi = t.size; // the first index failing the test lies in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = tau ? compareToTau(mid) : compareToHalf(mid);
            if (strict ? c > 0 : c >= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    // ---- exact results -------------------------------------------------------------------------

    /**
     * The metric's exact optima: sup, τ, #{m > τ}, #{m ≥ τ} and the ratio; valid once
     * {@link #unresolved} is empty.
     */
    Optimum optimum() {
        exactSup();
        long greatest = volumeAfter(lastAboveThreshold(false));
        return new Optimum(Fraction.of(supP, supQ), Fraction.of(tauP, tauQ), volumeAfter(lastAboveThreshold(true)),
                greatest, ratio(greatest));
    }

    /**
     * The exact analysis; valid once {@link #unresolved} is empty for the same target, after a
     * solve for Dice.
     */
    Analysis analysis(long target) {
        if (weights != Weights.DICE) {
            throw new IllegalStateException("an analysis needs the Dice solve, not " + weights.metric.name());
        }
        BigInteger d = t.denominator();
        BigInteger m = exactMass();
        BigInteger n = BigInteger.valueOf(voxels);
        BigInteger nd = n.multiply(d);
        exactSup(); // first: its walk to the best boundary is where the prefixes below start

        int accGreatest = lastAboveHalf(false);
        int targetLevel = target == 0 ? -1 : levelHolding(target);
        int[] at = {accGreatest, targetLevel - 1};
        BigInteger[] sums = exactPrefixes(at);

        long accVolume = volumeAfter(accGreatest);
        Fraction accSup = Fraction.of(sums[0].shiftLeft(1).subtract(m).add(n.subtract(BigInteger.valueOf(accVolume)).multiply(d)), nd);
        Optimum accuracy = new Optimum(accSup, Fraction.HALF, volumeAfter(lastAboveHalf(true)), accVolume, ratio(accVolume));

        Optimum diceOptimum = optimum();

        VolumeConstrained constrained;
        BigInteger bv = BigInteger.valueOf(target);
        if (target == 0) {
            constrained = new VolumeConstrained(0, Fraction.of(nd.subtract(m), nd), m.signum() == 0 ? Fraction.ONE : Fraction.ZERO, null, 0);
        } else {
            long ties = target - volumeAfter(targetLevel - 1);
            BigInteger s = sums[1].add(t.loNumerator(targetLevel).multiply(BigInteger.valueOf(ties)));
            constrained = new VolumeConstrained(target,
                    Fraction.of(s.shiftLeft(1).subtract(m).add(n.subtract(bv).multiply(d)), nd),
                    Fraction.of(s.shiftLeft(1), bv.multiply(d).add(m)), Fraction.of(t.loNumerator(targetLevel), d), ties);
        }

        Fraction twoM = Fraction.of(m.shiftLeft(1), d);
        Fraction nf = Fraction.of(voxels, 1);
        Fraction accLower = twoM.compareTo(nf) > 0 ? Fraction.of(m.shiftLeft(1).subtract(nd), d) : Fraction.ZERO;
        Interval accBound = new Interval(accLower, twoM.compareTo(nf) < 0 ? twoM : nf);
        Interval diceBound = new Interval(Fraction.of(m.multiply(m), d.multiply(d).multiply(n)), nf);
        Bounds bounds = new Bounds(accBound, accBound.contains(accuracy.leastVolume(), accuracy.greatestVolume()),
                diceBound, diceBound.contains(diceOptimum.leastVolume(), diceOptimum.greatestVolume()),
                accuracy.greatestVolume() <= diceOptimum.leastVolume());
        return new Analysis(voxels, Fraction.of(m, d), accuracy, diceOptimum, constrained, bounds);
    }

    /** The Theorem 4 default volume ⌊M + ½⌋. */
    long defaultVolume() {
        BigInteger d = t.denominator();
        return exactMass().shiftLeft(1).add(d).divide(d.shiftLeft(1)).longValueExact();
    }

    /** Exact M = Σ m over the denominator. */
    BigInteger exactMass() {
        if (exactMass == null) {
            exactMass = t.sumNumerator(0, t.size);
        }
        return exactMass;
    }

    /** The plotting curves at every boundary of the current levels, in double precision. */
    Curves curves() {
        int size = t.size + 1;
        double[] level = new double[size];
        double[] vol = new double[size];
        double[] acc = new double[size];
        double[] dc = new double[size];
        for (int i = 0; i < size; i++) {
            long k = volumeAfter(i - 1);
            double s = i == 0 ? 0 : prefix[i - 1];
            level[i] = i == 0 ? 1.0 : t.lo[i - 1];
            vol[i] = (double) k / voxels;
            acc[i] = (2 * s - mass + voxels - k) / voxels;
            dc[i] = k + mass == 0 ? 1.0 : 2 * s / (k + mass);
        }
        return new Curves(level, vol, acc, dc);
    }

    private int levelHolding(long target) {
        int i = Arrays.binarySearch(volume, 0, t.size, target);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * Sets the exact sup = supP / supQ from the best boundary (1 when M = 0), and τ = tauP / tauQ
     * = supP·A / (supQ·W − supP·C) (see {@link Weights}).
     */
    private void exactSup() {
        if (tauP != null) {
            return;
        }
        if (supP == null && massZero) {
            supP = BigInteger.ONE;
            supQ = BigInteger.ONE;
        } else if (supP == null) {
            BigInteger s = exactPrefix(best);
            supP = weights.w.multiply(s);
            supQ = exactDenominator(s, volume[best]);
        }
        tauP = supP.multiply(weights.aw);
        tauQ = supQ.multiply(weights.w).subtract(supP.multiply(weights.cw));
    }

    /** Exact S_i (0 for i = −1), walking forward from the last one asked for. */
    private BigInteger exactPrefix(int i) {
        if (i < cursor) {
            cursor = -1;
            cursorSum = BigInteger.ZERO;
        }
        if (cursor < i) {
            cursorSum = cursorSum.add(t.sumNumerator(cursor + 1, i + 1));
            cursor = i;
        }
        return cursorSum;
    }

    /** Exact S at each index, computed in ascending order so one walk serves all. */
    private BigInteger[] exactPrefixes(int[] indices) {
        Integer[] order = new Integer[indices.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(indices[a], indices[b]));
        BigInteger[] out = new BigInteger[indices.length];
        for (int j : order) {
            out[j] = indices[j] < 0 ? BigInteger.ZERO : exactPrefix(indices[j]);
        }
        return out;
    }

    private Fraction ratio(long greatestVolume) {
        return massZero ? null : Fraction.of(BigInteger.valueOf(greatestVolume).multiply(t.denominator()), exactMass());
    }
}
