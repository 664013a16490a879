package org.segopt.raters;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * Finds sup over k of Ψ(k) = max_{|s| = k} Σ_g t_g(s) / (k + b_g), exactly, with the least and
 * greatest maximizing k ≥ 1; t_g(s) = Σ_{r : |L_r| = b_g} |s ∩ L_r|. (Ψ is (R/2)·E[D_L] at volume
 * k; raters with empty masks add nothing for k ≥ 1.) At a fixed k the best s takes the k voxels of
 * largest weight w_c(k) = Σ_g multiplicity_g / (k + b_g), whole {@link PatternClass}es by weight
 * and part of the last one.
 *
 * <p>The order of the classes by weight changes with k, so the search splits [1, n] in halves.
 * For a range [lo, hi] it knows the k-th largest weight θ(k) at both ends, and θ is non-increasing
 * in k (w(k + 1) ≤ w(k) for every class); a class with w(hi) > θ(lo) is in every top-k of the range,
 * one with w(lo) < θ(hi) in none, and only the others (the ambiguous ones) are looked at further
 * down. A range is dropped when an upper bound on Ψ over it is below the best value found, and it
 * is solved directly when the order of its ambiguous classes at lo is proven to hold on the whole
 * range ({@link Crossings}): then Ψ is, between consecutive class boundaries, one explicit function
 * f(k) = Σ_g (T_g + (k − C)·multiplicity_g) / (k + b_g) of the class being filled, maximized by
 * {@link #segment}. Ranges of one or two volumes are evaluated outright.
 *
 * <p>Bounds, all exact: over a range, for any θ, Ψ(k) ≤ B_θ(k) = θ·k + Σ_c count_c·(w_c(k) − θ)⁺
 * (the dual of the fractional top-k problem), convex in k since each w_c is, so the larger of its
 * two end values bounds the range; θ is tried at θ(lo) and θ(hi). Inside one class, f is a sum of
 * terms m_g + d_g / (k + b_g), convex where d_g > 0 and concave where d_g < 0: chords of the convex
 * terms and tangents (at the midpoint) of the concave ones give a linear majorant, whose larger end
 * value bounds the sub-range. The majorant is tight to second order in the width of the range, so
 * only O(log n) sub-ranges next to each local maximum inside a class are split before they are
 * dropped; the dual bound is tight to first order only (its slack grows with the voxels of the
 * classes a range straddles) and serves to drop the ranges far from the optimum. f constant on a
 * class (every d_g = 0: the plateau where the boundary class's voxels tie, as at τ* in the paper's
 * Figure 4) is settled at once. Where an order cannot be proven (two classes cross, or Descartes'
 * rule is inconclusive), the range is split further, down to single volumes if it must be: the
 * result never depends on a proof succeeding, only the time does.
 * The cost is dominated by sorting the ambiguous classes at each evaluated volume: up to 2^R near
 * the top of the recursion, few further down; a few hundred volumes are evaluated for 10^7 voxels.
 */
final class VolumeSearch {
    /** Far above the error of a double weight: a sum of at most 16 rounded terms, 18·2^-53 relative. */
    private static final double RELATIVE_ERROR = 1e-13;

    private final long[] volumes;
    private final List<PatternClass> classes;
    private final int[] mark;
    private int stamp;
    private Rational best;
    private long least;
    private long greatest;

    /**
     * @param volumes the distinct non-zero rater volumes b_g, ascending
     * @param classes the voxels by class (weights of distinct classes differ as functions of k)
     */
    VolumeSearch(long[] volumes, List<PatternClass> classes) {
        this.volumes = volumes;
        this.classes = classes;
        this.mark = new int[classes.size()];
    }

    /**
     * The optimum over k in 0..n.
     *
     * @param atZero the value at k = 0 (on the scale of Ψ)
     * @param seed   a volume in 1..n likely near the optimum (it only speeds the search up)
     */
    Optimum maximize(Rational atZero, long seed) {
        best = atZero;
        least = 0;
        greatest = 0;
        long n = classes.stream().mapToLong(PatternClass::count).sum();
        if (n == 0) {
            return new Optimum(best, least, greatest);
        }
        int[] all = new int[classes.size()];
        Arrays.setAll(all, i -> i);
        long[] none = new long[volumes.length];
        Evaluation first = evaluate(1, 0, none, all);
        Evaluation last = evaluate(n, 0, none, all);
        if (seed > 1 && seed < n) {
            evaluate(seed, 0, none, all);
        }
        search(1, n, first, last, 0, none, all);
        return new Optimum(best, least, greatest);
    }

    /** The top-k set at volume k ≥ 1 over all classes; where weights tie, classes with more raters come first. */
    Evaluation topSet(long k) {
        int[] all = new int[classes.size()];
        Arrays.setAll(all, i -> i);
        return new Evaluation(k, 0, new long[volumes.length], all);
    }

    /**
     * The largest value of Ψ, on the scale of Ψ, with the least and greatest volume attaining it.
     */
    record Optimum(Rational value, long least, long greatest) {
    }

    /**
     * Ψ at one volume k: the top-k set and the weights of the classes evaluated. Weights are
     * compared as doubles (each within 18 units in the last place of the exact weight, so a
     * relative gap above 10^-13 decides) and, when closer, exactly as L(k)·w_c(k) over L(k).
     */
    final class Evaluation {
        private final long k;
        private final BigInteger[] quotient;
        private final BigInteger denominator;
        private final double[] weight;
        private final BigInteger[] key;
        private final int[] order;
        private final int boundary;
        private final long[] taken;
        private final Rational value;

        /** The top-k set made of the base (t_g = base, baseCount voxels) and the heaviest voxels of {@code ids}. */
        private Evaluation(long k, long baseCount, long[] base, int[] ids) {
            this.k = k;
            quotient = quotients(k);
            denominator = product(k);
            double[] inverse = new double[volumes.length];
            for (int g = 0; g < inverse.length; g++) {
                inverse[g] = 1.0 / (k + volumes[g]);
            }
            weight = new double[classes.size()];
            key = new BigInteger[classes.size()];
            for (int id : ids) {
                int[] m = classes.get(id).multiplicity();
                double w = 0;
                for (int g = 0; g < m.length; g++) {
                    w += m[g] * inverse[g];
                }
                weight[id] = w;
            }
            order = Arrays.stream(ids).boxed().sorted((a, b) -> {
                int c = compare(this, b, this, a);
                c = c != 0 ? c : Integer.compare(classes.get(b).raters(), classes.get(a).raters());
                return c != 0 ? c : Integer.compare(a, b);
            }).mapToInt(Integer::intValue).toArray();
            long need = k - baseCount;
            taken = base.clone();
            int last = -1;
            for (int id : order) {
                PatternClass c = classes.get(id);
                long take = Math.min(c.count(), need);
                add(taken, c, take);
                need -= take;
                if (need == 0) {
                    last = id;
                    break;
                }
            }
            if (last < 0) {
                throw new IllegalStateException("volume " + k + " exceeds the voxels of the classes searched");
            }
            boundary = last;
            value = new Rational(dot(taken, quotient), denominator);
        }

        /** L(k)·w_c(k), exactly. */
        private BigInteger key(int id) {
            if (key[id] == null) {
                int[] m = classes.get(id).multiplicity();
                BigInteger s = BigInteger.ZERO;
                for (int g = 0; g < m.length; g++) {
                    if (m[g] != 0) {
                        s = s.add(quotient[g].multiply(BigInteger.valueOf(m[g])));
                    }
                }
                key[id] = s;
            }
            return key[id];
        }

        /** t_g of the top-k set. */
        long[] taken() {
            return taken.clone();
        }
    }

    /** The sign of w_a(x.k) − w_b(y.k). */
    private static int compare(Evaluation x, int a, Evaluation y, int b) {
        double wa = x.weight[a];
        double wb = y.weight[b];
        if (wa > wb * (1 + RELATIVE_ERROR)) {
            return 1;
        }
        if (wb > wa * (1 + RELATIVE_ERROR)) {
            return -1;
        }
        return x.key(a).multiply(y.denominator).compareTo(y.key(b).multiply(x.denominator));
    }

    private void record(Rational value, long from, long to) {
        int c = value.compareTo(best);
        if (c > 0) {
            best = value;
            least = from;
            greatest = to;
        } else if (c == 0) {
            least = Math.min(least, from);
            greatest = Math.max(greatest, to);
        }
    }

    /** Ψ(k) for a top-k set made of the base and the heaviest of {@code ids}, recorded. */
    private Evaluation evaluate(long k, long baseCount, long[] base, int[] ids) {
        Evaluation e = new Evaluation(k, baseCount, base, ids);
        record(e.value, k, k);
        return e;
    }

    private void search(long lo, long hi, Evaluation atLo, Evaluation atHi, long baseCount, long[] base, int[] ids) {
        if (hi - lo <= 1 || dualBound(atLo, atHi, baseCount, base, ids).compareTo(best) < 0) {
            return;
        }
        int[] order = restrict(atLo.order, ids);
        if (holdsThroughout(order, atLo, atHi)) {
            segments(order, lo, hi, baseCount, base);
            return;
        }
        long mid = lo + (hi - lo) / 2;
        Evaluation atMid = evaluate(mid, baseCount, base, ids);
        descend(lo, mid, atLo, atMid, baseCount, base, ids);
        descend(mid, hi, atMid, atHi, baseCount, base, ids);
    }

    /** Splits {@code ids} into the classes in every top-k of [lo, hi], in none, and the rest; searches the rest. */
    private void descend(long lo, long hi, Evaluation atLo, Evaluation atHi, long baseCount, long[] base, int[] ids) {
        long[] childBase = base.clone();
        long childCount = baseCount;
        int[] ambiguous = new int[ids.length];
        int size = 0;
        for (int id : ids) {
            if (compare(atHi, id, atLo, atLo.boundary) > 0) {          // w(hi) > θ(lo)
                PatternClass c = classes.get(id);
                add(childBase, c, c.count());
                childCount += c.count();
            } else if (compare(atLo, id, atHi, atHi.boundary) >= 0) {  // not w(lo) < θ(hi)
                ambiguous[size++] = id;
            }
        }
        search(lo, hi, atLo, atHi, childCount, childBase, Arrays.copyOf(ambiguous, size));
    }

    /** min over θ in {θ(lo), θ(hi)} of max(B_θ(lo), B_θ(hi)). */
    private Rational dualBound(Evaluation atLo, Evaluation atHi, long baseCount, long[] base, int[] ids) {
        Rational bound = null;
        for (Evaluation theta : List.of(atLo, atHi)) {
            Rational m = Rational.max(dual(atLo, theta, baseCount, base, ids), dual(atHi, theta, baseCount, base, ids));
            bound = bound == null ? m : Rational.min(bound, m);
        }
        return bound;
    }

    /** B_θ(k) at the volume of {@code at}, θ the k-th largest weight of {@code theta}. */
    private Rational dual(Evaluation at, Evaluation theta, long baseCount, long[] base, int[] ids) {
        long[] t = base.clone();
        long count = baseCount;
        for (int id : ids) {
            if (compare(at, id, theta, theta.boundary) > 0) {
                PatternClass c = classes.get(id);
                add(t, c, c.count());
                count += c.count();
            }
        }
        Rational filled = new Rational(theta.key(theta.boundary).multiply(BigInteger.valueOf(at.k - count)),
                theta.denominator);
        return filled.plus(new Rational(dot(t, at.quotient), at.denominator));
    }

    /** {@code order} without the classes not in {@code ids}. */
    private int[] restrict(int[] order, int[] ids) {
        stamp++;
        for (int id : ids) {
            mark[id] = stamp;
        }
        return Arrays.stream(order).filter(id -> mark[id] == stamp).toArray();
    }

    /** Whether the order at lo is an order by weight at every volume up to hi. */
    private boolean holdsThroughout(int[] order, Evaluation atLo, Evaluation atHi) {
        for (int i = 0; i + 1 < order.length; i++) {
            int hiSign = compare(atHi, order[i], atHi, order[i + 1]);
            if (hiSign < 0 || hiSign == 0 && compare(atLo, order[i], atLo, order[i + 1]) == 0) {
                return false;
            }
        }
        for (int i = 0; i + 1 < order.length; i++) {
            if (!Crossings.neverBelow(classes.get(order[i]).multiplicity(), classes.get(order[i + 1]).multiplicity(),
                    volumes, atLo.k, atHi.k)) {
                return false;
            }
        }
        return true;
    }

    /** Over [lo, hi] the top-k sets fill the classes of {@code order} one after the other. */
    private void segments(int[] order, long lo, long hi, long baseCount, long[] base) {
        long start = baseCount;
        long[] t = base.clone();
        for (int id : order) {
            PatternClass c = classes.get(id);
            long end = start + c.count();
            long from = Math.max(lo, start);
            long to = Math.min(hi, end);
            if (from <= to) {
                segment(t, c.multiplicity(), start, from, to);
            }
            add(t, c, c.count());
            start = end;
            if (start >= hi) {
                break;
            }
        }
    }

    /** Maximizes f(k) = Σ_g (t_g + (k − start)·m_g) / (k + b_g) over k in [from, to]. */
    private void segment(long[] t, int[] m, long start, long from, long to) {
        long[] d = new long[volumes.length];
        boolean constant = true;
        for (int g = 0; g < d.length; g++) {
            d[g] = t[g] - m[g] * (start + volumes[g]);
            constant &= d[g] == 0;
        }
        Rational atFrom = fill(t, m, start, from);
        if (constant) {
            record(atFrom, from, to);
            return;
        }
        fill(t, m, start, to);
        refine(t, m, d, start, from, to);
    }

    private void refine(long[] t, int[] m, long[] d, long start, long x, long y) {
        if (y - x <= 1 || majorant(m, d, x, y).compareTo(best) < 0) {
            return;
        }
        long mid = x + (y - x) / 2;
        fill(t, m, start, mid);
        refine(t, m, d, start, x, mid);
        refine(t, m, d, start, mid, y);
    }

    /** f(k), recorded. */
    private Rational fill(long[] t, int[] m, long start, long k) {
        long[] taken = t.clone();
        for (int g = 0; g < taken.length; g++) {
            taken[g] += (k - start) * m[g];
        }
        Rational value = new Rational(dot(taken, quotients(k)), product(k));
        record(value, k, k);
        return value;
    }

    /** The larger end value over [x, y] of Σ m_g + (chords of the convex, tangents at the midpoint of the concave terms). */
    private Rational majorant(int[] m, long[] d, long x, long y) {
        long mid = x + (y - x) / 2;
        Rational atX = Rational.of(Arrays.stream(m).sum(), 1);
        Rational atY = atX;
        for (int g = 0; g < d.length; g++) {
            long b = volumes[g];
            if (d[g] > 0) {
                atX = atX.plus(Rational.of(d[g], x + b));
                atY = atY.plus(Rational.of(d[g], y + b));
            } else if (d[g] < 0) {
                Rational tangent = Rational.of(d[g], mid + b);
                Rational slope = Rational.of(-d[g], mid + b).dividedBy(mid + b);
                atX = atX.plus(tangent).plus(slope.times(x - mid));
                atY = atY.plus(tangent).plus(slope.times(y - mid));
            }
        }
        return Rational.max(atX, atY);
    }

    private static void add(long[] t, PatternClass c, long voxels) {
        int[] m = c.multiplicity();
        for (int g = 0; g < t.length; g++) {
            t[g] += m[g] * voxels;
        }
    }

    /** L(k) = Π_g (k + b_g). */
    private BigInteger product(long k) {
        BigInteger p = BigInteger.ONE;
        for (long b : volumes) {
            p = p.multiply(BigInteger.valueOf(k + b));
        }
        return p;
    }

    /** L(k) / (k + b_g) for each g. */
    private BigInteger[] quotients(long k) {
        int n = volumes.length;
        BigInteger[] q = new BigInteger[n];
        BigInteger prefix = BigInteger.ONE;
        for (int g = 0; g < n; g++) {
            q[g] = prefix;
            prefix = prefix.multiply(BigInteger.valueOf(k + volumes[g]));
        }
        BigInteger suffix = BigInteger.ONE;
        for (int g = n - 1; g >= 0; g--) {
            q[g] = q[g].multiply(suffix);
            suffix = suffix.multiply(BigInteger.valueOf(k + volumes[g]));
        }
        return q;
    }

    private static BigInteger dot(long[] t, BigInteger[] q) {
        BigInteger s = BigInteger.ZERO;
        for (int g = 0; g < t.length; g++) {
            if (t[g] != 0) {
                s = s.add(q[g].multiply(BigInteger.valueOf(t[g])));
            }
        }
        return s;
    }
}
