package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.BitMask;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.MarginalCases.Case;

/**
 * The optima of the Tversky family, TI(s) = TP / (TP + α·FP + β·FN), against references that
 * know nothing of thresholds or levels:
 * <ul>
 *   <li>for n ≤ 12, every one of the 2^n segmentations scored exactly from the definition: the
 *       maximum is the engine's sup, the maximizers' volumes are exactly [leastVolume,
 *       greatestVolume] and each lies between the engine's two masks;</li>
 *   <li>marginals built to tie at τ (Figure 4 of the paper, for any metric: a voxels at 1 and b at
 *       τ itself, so every volume in [a, a + b] is optimal), small and scaled up, votes and floats;</li>
 *   <li>larger marginals against a scan of every top-k set of the sorted values;</li>
 *   <li>every backend equal to the scalar engine, and Dice, F1 and Jaccard consistent with
 *       {@link Engine#analyze}.</li>
 * </ul>
 */
class MetricProperties {
    private static final Engine ENGINE = Engine.scalar();
    private static final Engine[] ENGINES = {Engine.simd(), Engine.parallel(2), Engine.parallel(3)};

    /** Weights p/q drawn for random metrics, and metrics at the ends of the accepted range. */
    private static final int[][] WEIGHTS = {{1, 10}, {1, 4}, {1, 3}, {1, 2}, {2, 3}, {3, 4}, {1, 1}, {3, 2}, {2, 1},
            {3, 1}, {7, 2}, {9, 1}};
    private static final List<Metric> SPECIAL = List.of(Metric.JACCARD, Metric.parse("fbeta:2"),
            Metric.parse("fbeta:1/2"), Metric.tversky(Fraction.of(1, 1000), Fraction.of(1000, 1)),
            Metric.tversky(Fraction.of(1000, 1), Fraction.of(1, 1000)),
            Metric.tversky(Metric.MIN_WEIGHT, Metric.MIN_WEIGHT), Metric.tversky(Metric.MAX_WEIGHT, Metric.MAX_WEIGHT),
            Metric.tversky(Metric.MIN_WEIGHT, Metric.MAX_WEIGHT));

    static Metric metric(SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return SPECIAL.get(r.nextInt(SPECIAL.size()));
        }
        int[] a = WEIGHTS[r.nextInt(WEIGHTS.length)];
        int[] b = WEIGHTS[r.nextInt(WEIGHTS.length)];
        return Metric.tversky(Fraction.of(a[0], a[1]), Fraction.of(b[0], b[1]));
    }

    // ---- exhaustive --------------------------------------------------------------------------------

    @Test
    void exhaustiveOptimaMatchTheEngine() {
        Theories.check(200, MarginalCases.cases(12), Theories.seeds(),
                (c, seed) -> exhaustive(c.marginal(), c.ref(), metric(new SplittableRandom(seed)), c.description()));
    }

    @Test
    void tiesAtTheThresholdAreExhaustivelyRight() {
        Theories.check(150, Generate.range(0, Tie.ALL.size() - 1), Theories.seeds(), (i, seed) -> {
            Tie tie = Tie.ALL.get(i);
            SplittableRandom r = new SplittableRandom(seed);
            Built b = tie.build(1, r.nextInt(12 - tie.a - tie.b + 1), r);
            String d = tie + " " + b.description;
            Optimum o = exhaustive(b.marginal, b.ref, tie.metric, d);
            assertEquals(tie.lambda, o.sup(), d);
            assertEquals(tie.tau, o.threshold(), d);
            assertEquals(tie.a, o.leastVolume(), d);
            assertEquals(tie.a + tie.b, o.greatestVolume(), d);
        });
    }

    /**
     * Scores every subset of the n ≤ 12 voxels from the definition and checks the engine's optimum
     * of {@code metric} and its two masks against them; returns the optimum.
     */
    private static Optimum exhaustive(Marginal m, ExactReference ref, Metric metric, String description) {
        int n = ref.voxels();
        String d = description + " " + metric.name();
        BigInteger l = ref.denominator();
        BigInteger total = ref.totalNumerator();
        BigInteger[] sum = new BigInteger[1 << n];
        sum[0] = BigInteger.ZERO;
        for (int s = 1; s < sum.length; s++) {
            sum[s] = sum[s & (s - 1)].add(ref.numerator(Integer.numberOfTrailingZeros(s)));
        }
        Fraction[] score = new Fraction[sum.length];
        Fraction sup = null;
        for (int s = 0; s < sum.length; s++) {
            score[s] = tversky(metric, sum[s], Integer.bitCount(s), l, total);
            sup = sup == null || score[s].compareTo(sup) > 0 ? score[s] : sup;
        }
        Optimum o = ENGINE.optimum(m, metric);
        assertEquals(sup, o.sup(), d);
        assertEquals(threshold(metric, sup), o.threshold(), d);
        int above = Lemma1Properties.bitsOf(ENGINE.segment(m, o, false));
        int atLeast = Lemma1Properties.bitsOf(ENGINE.segment(m, o, true));
        BitSet volumes = new BitSet();
        for (int s = 0; s < sum.length; s++) {
            if (score[s].equals(sup)) {
                volumes.set(Integer.bitCount(s));
                int subset = s;
                assertTrue((subset & above) == above && (subset & ~atLeast) == 0,
                        () -> d + ": maximizer " + Integer.toBinaryString(subset) + " not between I{m>τ} and I{m≥τ}");
            }
        }
        BitSet expected = new BitSet();
        expected.set((int) o.leastVolume(), (int) o.greatestVolume() + 1);
        assertEquals(expected, volumes, d + " maximizer volumes");
        assertEquals(total.signum() == 0 ? null : Fraction.of(BigInteger.valueOf(o.greatestVolume()).multiply(l), total),
                o.ratio(), d);
        return o;
    }

    /**
     * TP / (TP + α·FP + β·FN) for the segmentation of k voxels whose values sum to tp / l, against
     * the total total / l; 1 when the denominator is 0. Straight from the definition.
     */
    static Fraction tversky(Metric metric, BigInteger tp, long k, BigInteger l, BigInteger total) {
        Fraction a = metric.alpha();
        Fraction b = metric.beta();
        BigInteger fp = BigInteger.valueOf(k).multiply(l).subtract(tp);
        BigInteger fn = total.subtract(tp);
        BigInteger scale = a.denominator().multiply(b.denominator());
        BigInteger den = tp.multiply(scale).add(a.numerator().multiply(b.denominator()).multiply(fp))
                .add(b.numerator().multiply(a.denominator()).multiply(fn));
        return den.signum() == 0 ? Fraction.ONE : Fraction.of(tp.multiply(scale), den);
    }

    /** λα / (1 − λ(1 − α − β)): where m·(1 − λ(1 − α − β)) − λα, a voxel's gain at ratio λ, changes sign. */
    static Fraction threshold(Metric metric, Fraction lambda) {
        Fraction a = metric.alpha();
        Fraction b = metric.beta();
        BigInteger p = lambda.numerator();
        BigInteger q = lambda.denominator();
        BigInteger ad = a.denominator();
        BigInteger bd = b.denominator();
        // λα / (1 − λ + λα + λβ), times q·ad·bd above and below.
        BigInteger top = p.multiply(a.numerator()).multiply(bd);
        BigInteger bottom = q.subtract(p).multiply(ad).multiply(bd).add(top).add(p.multiply(b.numerator()).multiply(ad));
        return Fraction.of(top, bottom);
    }

    // ---- ties at τ ---------------------------------------------------------------------------------

    /**
     * A metric, a score λ and a count ratio for which the marginal of a voxels at 1 and b voxels at
     * t = τ(λ) has TI(top a) = TI(all a + b) = λ: TI(top a) = a / (a + β·b·t) gives
     * b / a = (1 − λ) / (λβt). Every volume in [a, a + b] is then optimal.
     */
    record Tie(Metric metric, Fraction lambda, Fraction tau, int a, int b) {
        /** Every such tie with a + b ≤ 12 and τ < 1 over the weights of {@link #WEIGHTS} and λ = p/q, q ≤ 24. */
        static final List<Tie> ALL = all();

        private static List<Tie> all() {
            LinkedHashSet<Tie> ties = new LinkedHashSet<>();
            for (int[] wa : WEIGHTS) {
                for (int[] wb : WEIGHTS) {
                    Metric metric = Metric.tversky(Fraction.of(wa[0], wa[1]), Fraction.of(wb[0], wb[1]));
                    for (int q = 2; q <= 24; q++) {
                        for (int p = 1; p < q; p++) {
                            Fraction lambda = Fraction.of(p, q);
                            Fraction t = threshold(metric, lambda);
                            if (t.compareTo(Fraction.ONE) >= 0) {
                                continue;
                            }
                            // b / a = (q − p) / q · q / p / β / t = (q − p)·βd·td / (p·βn·tn)
                            BigInteger num = lambda.denominator().subtract(lambda.numerator())
                                    .multiply(metric.beta().denominator()).multiply(t.denominator());
                            BigInteger den = lambda.numerator().multiply(metric.beta().numerator()).multiply(t.numerator());
                            Fraction ratio = Fraction.of(num, den);
                            long a = ratio.denominator().longValueExact();
                            long b = ratio.numerator().longValueExact();
                            if (a + b <= 12) {
                                ties.add(new Tie(metric, lambda, t, (int) a, (int) b));
                            }
                        }
                    }
                }
            }
            return List.copyOf(ties);
        }

        /**
         * a·scale voxels at 1, b·scale at τ and {@code zeros} at 0, shuffled: vote counts over
         * R = τ's denominator (or a multiple), or float32 / float64 when τ is dyadic and the coin
         * says so. The exact reference comes with scale 1 only (an exhaustive check's sizes).
         */
        Built build(int scale, int zeros, SplittableRandom r) {
            int n = (a + b) * scale + zeros;
            int[] order = MarginalCases.permutation(n, r);
            long den = tau.denominator().longValueExact();
            boolean dyadic = (den & (den - 1)) == 0 && den <= 1L << 24;
            int kind = dyadic ? r.nextInt(3) : 0;
            if (kind == 0) {
                long raters = den * (1 + r.nextInt((int) Math.max(1, 60_000 / den)));
                long[] counts = new long[n];
                long atTau = tau.numerator().longValueExact() * (raters / den);
                for (int i = 0; i < n; i++) {
                    int j = order[i];
                    counts[i] = j < a * scale ? raters : j < (a + b) * scale ? atTau : 0;
                }
                short[] shorts = new short[n];
                for (int i = 0; i < n; i++) {
                    shorts[i] = (short) counts[i];
                }
                return new Built(Marginal.ofVotes(shorts, (int) raters), scale > 1 ? null : ExactReference.ofCounts(counts, raters),
                        "votes R=" + raters + " n=" + n);
            }
            double t = tau.doubleValue(); // exact: a dyadic fraction with a denominator ≤ 2^24
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                int j = order[i];
                values[i] = j < a * scale ? 1 : j < (a + b) * scale ? t : 0;
            }
            if (kind == 1) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[i];
                }
                return new Built(Marginal.ofFloats(f), scale > 1 ? null : ExactReference.ofFloats(f), "float32 n=" + n);
            }
            return new Built(Marginal.ofDoubles(values), scale > 1 ? null : ExactReference.ofDoubles(values), "float64 n=" + n);
        }
    }

    record Built(Marginal marginal, ExactReference ref, String description) {
    }

    @Test
    void scaledTiesAtTheThresholdOnEveryBackend() {
        Theories.check(20, Generate.range(0, Tie.ALL.size() - 1), Theories.seeds(), (i, seed) -> {
            Tie tie = Tie.ALL.get(i);
            SplittableRandom r = new SplittableRandom(seed);
            int scale = 2 + r.nextInt(10_000);
            Built b = tie.build(scale, r.nextInt(50_000), r);
            String d = tie + " scale " + scale + " " + b.description;
            Optimum o = ENGINE.optimum(b.marginal, tie.metric);
            long greatest = (long) (tie.a + tie.b) * scale;
            // M = (a + b·τ)·scale, so the ratio is (a + b) / (a + b·τ).
            BigInteger tn = tie.tau.numerator();
            BigInteger td = tie.tau.denominator();
            Fraction ratio = Fraction.of(BigInteger.valueOf(tie.a + tie.b).multiply(td),
                    BigInteger.valueOf(tie.a).multiply(td).add(BigInteger.valueOf(tie.b).multiply(tn)));
            assertEquals(new Optimum(tie.lambda, tie.tau, (long) tie.a * scale, greatest, ratio), o, d);
            sameOnEveryBackend(b.marginal, tie.metric, o, d);
        });
    }

    // ---- larger marginals ----------------------------------------------------------------------------

    @Test
    void largerMarginalsMatchTheTopKScan() {
        Theories.check(80, MarginalCases.cases(3000), Theories.seeds(), (c, seed) -> {
            Metric metric = metric(new SplittableRandom(seed));
            assertEquals(topKScan(c.ref(), metric), ENGINE.optimum(c.marginal(), metric), c.description() + " " + metric);
        });
    }

    /**
     * The optimum from every top-k set of the sorted values (at a fixed volume the score grows with
     * TP, so the top k are best): sup, the least and greatest maximizing k, and τ from the sup.
     */
    private static Optimum topKScan(ExactReference ref, Metric metric) {
        int n = ref.voxels();
        BigInteger l = ref.denominator();
        BigInteger total = ref.totalNumerator();
        BigInteger tp = BigInteger.ZERO;
        Fraction sup = tversky(metric, tp, 0, l, total);
        long first = 0;
        long last = 0;
        for (int k = 1; k <= n; k++) {
            Fraction v = ref.sortedValue(k - 1);
            tp = tp.add(v.numerator().multiply(l.divide(v.denominator())));
            Fraction score = tversky(metric, tp, k, l, total);
            int cmp = score.compareTo(sup);
            if (cmp > 0) {
                sup = score;
                first = k;
            }
            if (cmp >= 0) {
                last = k;
            }
        }
        Fraction ratio = total.signum() == 0 ? null : Fraction.of(BigInteger.valueOf(last).multiply(l), total);
        return new Optimum(sup, threshold(metric, sup), first, last, ratio);
    }

    @Test
    void everyBackendEqualsScalar() {
        Theories.check(16, Generate.enumValues(BackendEqualityProperties.Layout.class), Theories.sizes(1, 200_000),
                Theories.seeds(), (layout, n, seed) -> {
                    Marginal m = BackendEqualityProperties.build(layout, n, seed);
                    Metric metric = metric(new SplittableRandom(seed));
                    String d = layout + " n=" + n + " seed=" + seed + " " + metric;
                    sameOnEveryBackend(m, metric, ENGINE.optimum(m, metric), d);
                });
    }

    private static void sameOnEveryBackend(Marginal m, Metric metric, Optimum expected, String d) {
        BitMask greatest = ENGINE.segment(m, expected, true);
        BitMask least = ENGINE.segment(m, expected, false);
        for (Engine e : ENGINES) {
            String where = d + " " + e.backend() + " x" + e.threads();
            assertEquals(expected, e.optimum(m, metric), where);
            assertEquals(greatest, e.segment(m, expected, true), where);
            assertEquals(least, e.segment(m, expected, false), where);
        }
    }

    // ---- the Dice family's members agree -------------------------------------------------------------

    @Test
    void diceF1AndJaccardAgreeWithTheAnalysis() {
        Theories.check(150, MarginalCases.cases(400), c -> {
            Analysis a = ENGINE.analyze(c.marginal());
            String d = c.description();
            assertEquals(a.dice(), ENGINE.optimum(c.marginal(), Metric.DICE), d);
            assertEquals(a.dice(), ENGINE.optimum(c.marginal(), Metric.parse("fbeta:1")), d);
            assertEquals(a.dice(), ENGINE.optimum(c.marginal(), Metric.parse("tversky:0.5,1/2")), d);
            // Jaccard through the general solver (α = β = 1), against J = D / (2 − D) of the analysis.
            Optimum j = ENGINE.optimum(c.marginal(), Metric.JACCARD);
            assertEquals(a.jaccard(), j, d);
            Fraction dice = a.dice().sup();
            assertEquals(Fraction.of(dice.numerator(), dice.denominator().shiftLeft(1).subtract(dice.numerator())), j.sup(), d);
            assertEquals(a.dice().threshold(), j.threshold(), d);
        });
    }

    @Test
    void anOptimumOfAnotherMarginalIsRefused() {
        Marginal m = Marginal.ofVotes(new byte[] {3, 2, 0, 1}, 3);
        Optimum o = ENGINE.optimum(Marginal.ofVotes(new byte[] {3, 3, 3, 3}, 3), Metric.JACCARD);
        assertThrows(IllegalArgumentException.class, () -> ENGINE.segment(m, o, true));
    }
}
