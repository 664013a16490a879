package org.segopt.calibrate;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The reference for {@link ThresholdSearch}: every distinct data value v over all cases is tried as
 * the threshold, the objective computed by direct sums over the voxels in exact rationals of its
 * own (no histograms, no bounds, none of segopt's classes); each case's own optimum by trying all
 * 2^n segmentations.
 */
public final class BruteCalibration {
    private BruteCalibration() {
    }

    /** An exact rational p/q, q > 0, in lowest terms. */
    public record Q(BigInteger p, BigInteger q) implements Comparable<Q> {
        static final Q ZERO = of(0, 1);
        static final Q ONE = of(1, 1);

        public static Q of(long p, long q) {
            return of(BigInteger.valueOf(p), BigInteger.valueOf(q));
        }

        public static Q of(BigInteger p, BigInteger q) {
            if (q.signum() < 0) {
                p = p.negate();
                q = q.negate();
            }
            BigInteger g = p.gcd(q);
            return g.signum() == 0 ? new Q(BigInteger.ZERO, BigInteger.ONE) : new Q(p.divide(g), q.divide(g));
        }

        public static Q of(double d) {
            java.math.BigDecimal b = new java.math.BigDecimal(d);
            return b.scale() >= 0 ? of(b.unscaledValue(), BigInteger.TEN.pow(b.scale()))
                    : of(b.unscaledValue().multiply(BigInteger.TEN.pow(-b.scale())), BigInteger.ONE);
        }

        Q plus(Q o) {
            return of(p.multiply(o.q).add(o.p.multiply(q)), q.multiply(o.q));
        }

        Q minus(Q o) {
            return of(p.multiply(o.q).subtract(o.p.multiply(q)), q.multiply(o.q));
        }

        Q times(Q o) {
            return of(p.multiply(o.p), q.multiply(o.q));
        }

        Q over(Q o) {
            return of(p.multiply(o.q), q.multiply(o.p));
        }

        @Override
        public int compareTo(Q o) {
            return p.multiply(o.q).compareTo(o.p.multiply(q));
        }

        /** p/q as segopt's Fraction prints it. */
        public String text() {
            return q.equals(BigInteger.ONE) ? p.toString() : p + "/" + q;
        }
    }

    /** TP / (TP + α·FP + β·FN) with FP = |s| − TP, FN = M − TP; 1 when s and m are both empty. */
    static Q tversky(Q tp, long volume, Q mass, Q alpha, Q beta) {
        Q v = Q.of(volume, 1);
        Q d = tp.plus(alpha.times(v.minus(tp))).plus(beta.times(mass.minus(tp)));
        return d.compareTo(Q.ZERO) == 0 ? Q.ONE : tp.over(d);
    }

    public record Interval(Q below, Q threshold) {
    }

    /** oracle is null when a case has more than 16 voxels. */
    public record Result(Q score, List<Interval> optima, Q atHalf, Q oracle, List<Q> perCase, List<Long> volumes) {
        public Q threshold() {
            return optima.getLast().threshold();
        }
    }

    /** The reference result over the cases' exact voxel values; pooled or mean objective. */
    public static Result run(List<Q[]> cases, Q alpha, Q beta, boolean pooled) {
        TreeSet<Q> values = new TreeSet<>();
        for (Q[] c : cases) {
            values.addAll(List.of(c));
        }
        Q best = null;
        List<Interval> optima = new ArrayList<>();
        Q previous = null;
        for (Q v : values) {
            Q score = objective(cases, v, alpha, beta, pooled);
            int c = best == null ? 1 : score.compareTo(best);
            if (c > 0) {
                best = score;
                optima.clear();
            }
            if (c >= 0) {
                optima.add(new Interval(previous, v));
            }
            previous = v;
        }
        Q threshold = optima.getLast().threshold();
        List<Q> perCase = new ArrayList<>();
        List<Long> volumes = new ArrayList<>();
        Q oracle = cases.stream().allMatch(c -> c.length <= 16) ? Q.ZERO : null; // all subsets: small cases only
        for (Q[] c : cases) {
            perCase.add(caseScore(c, threshold, alpha, beta));
            long volume = 0;
            for (Q x : c) {
                volume += x.compareTo(threshold) >= 0 ? 1 : 0;
            }
            volumes.add(volume);
            oracle = oracle == null ? null : oracle.plus(ownOptimum(c, alpha, beta));
        }
        return new Result(best, optima, objective(cases, Q.of(1, 2), alpha, beta, pooled),
                oracle == null ? null : oracle.over(Q.of(cases.size(), 1)),
                perCase, volumes);
    }

    private static Q objective(List<Q[]> cases, Q t, Q alpha, Q beta, boolean pooled) {
        Q sum = Q.ZERO;
        Q tp = Q.ZERO;
        Q mass = Q.ZERO;
        long volume = 0;
        for (Q[] c : cases) {
            sum = sum.plus(caseScore(c, t, alpha, beta));
            for (Q x : c) {
                mass = mass.plus(x);
                if (x.compareTo(t) >= 0) {
                    tp = tp.plus(x);
                    volume++;
                }
            }
        }
        return pooled ? tversky(tp, volume, mass, alpha, beta) : sum.over(Q.of(cases.size(), 1));
    }

    private static Q caseScore(Q[] c, Q t, Q alpha, Q beta) {
        Q tp = Q.ZERO;
        Q mass = Q.ZERO;
        long volume = 0;
        for (Q x : c) {
            mass = mass.plus(x);
            if (x.compareTo(t) >= 0) {
                tp = tp.plus(x);
                volume++;
            }
        }
        return tversky(tp, volume, mass, alpha, beta);
    }

    /** The best metric over all 2^n segmentations of one case. */
    private static Q ownOptimum(Q[] c, Q alpha, Q beta) {
        Q mass = Q.ZERO;
        for (Q x : c) {
            mass = mass.plus(x);
        }
        Q best = Q.ZERO;
        for (int s = 0; s < 1 << c.length; s++) {
            Q tp = Q.ZERO;
            for (int i = 0; i < c.length; i++) {
                if ((s >>> i & 1) != 0) {
                    tp = tp.plus(c[i]);
                }
            }
            Q score = tversky(tp, Integer.bitCount(s), mass, alpha, beta);
            best = score.compareTo(best) > 0 ? score : best;
        }
        return best;
    }
}
