package org.segopt.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.calibrate.BruteCalibration.Q;
import org.segopt.engine.Engine;
import org.segopt.engine.LevelHistogram;

/**
 * {@link ThresholdSearch} against {@link BruteCalibration} on seeded random validation sets: vote
 * cases with different R, float32 and float64 probability cases with ties across cases and many
 * values inside one histogram bin (so that bins are refined), cases with M = 0, every metric
 * family and both objectives.
 */
class ThresholdSearchTest {
    private static final Engine ENGINE = Engine.scalar();
    private static final float[] POOL = {0f, 0.125f, 0.25f, 0.3f, 0.5f, 0.75f, 1f};
    private static final List<Metric> METRICS = List.of(Metric.DICE, Metric.JACCARD, Metric.parse("fbeta:2"),
            Metric.parse("tversky:3/10,7/10"), Metric.parse("tversky:2,1"));

    /** One generated case: its marginal and its exact voxel values. */
    private record Case(Marginal marginal, Q[] values) {
    }

    @Test
    void equalsBruteForceOnRandomValidationSets() {
        for (int trial = 0; trial < 150; trial++) {
            Random rnd = new Random(1000L + trial);
            List<Case> cases = new ArrayList<>();
            int k = 1 + rnd.nextInt(4);
            for (int c = 0; c < k; c++) {
                cases.add(randomCase(rnd));
            }
            Metric metric = METRICS.get(rnd.nextInt(METRICS.size()));
            Objective objective = rnd.nextBoolean() ? Objective.MEAN : Objective.POOLED;
            check("trial " + trial + " (seed " + (1000L + trial) + ", " + metric.name() + ", " + objective.label() + ")",
                    cases, metric, objective);
        }
    }

    @Test
    void tiedIntervalsAreAllListedAndTheGreatestIsTheThreshold() {
        // m = 1 on one voxel, 1/4 on eight, 0 on three: Dice 1/2 both at t = 1 and at t = 1/4
        // (the voxels at 1/4 sit exactly at tau* = D/2), less at t = 0.
        byte[] votes = {4, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
        Case c = new Case(Marginal.ofVotes(votes, 4), values(votes, 4));
        CommonThreshold r = check("tie", List.of(c), Metric.DICE, Objective.MEAN);
        assertEquals(2, r.optima().size());
        assertEquals(Fraction.ONE, r.threshold());
        assertEquals(Fraction.of(1, 4), r.optima().getFirst().threshold());
        assertEquals(Fraction.ZERO, r.optima().getFirst().below());
        assertEquals(Fraction.HALF, r.score());
        // The same values as float32 and float64 tie the same way.
        float[] f = {1f, .25f, .25f, .25f, .25f, .25f, .25f, .25f, .25f, 0f, 0f, 0f};
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        CommonThreshold both = check("tie, floats", List.of(floats(f), doubles(d)), Metric.DICE, Objective.POOLED);
        assertEquals(2, both.optima().size());
        assertEquals(Fraction.ONE, both.threshold());
    }

    @Test
    void diceOracleIsTheEnginesSupOfEachCase() {
        Random rnd = new Random(7);
        List<Case> cases = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            cases.add(randomCase(rnd));
        }
        CommonThreshold r = search(cases, Metric.DICE, Objective.MEAN);
        for (int c = 0; c < cases.size(); c++) {
            assertEquals(ENGINE.analyze(cases.get(c).marginal()).dice().sup(), r.cases().get(c).optimum(), "case " + c);
        }
    }

    @Test
    void manyDistinctValuesInOneBinAreRefinedOnlyNearTheOptimum() {
        // 400 distinct float32 values spread over (0, 1): bins are refined where the argmax can lie.
        Random rnd = new Random(11);
        float[] a = new float[400];
        float[] b = new float[400];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat();
            b[i] = (float) Math.pow(rnd.nextFloat(), 3);
        }
        int[] refinements = {0};
        List<Case> cases = List.of(floats(a), floats(b));
        ThresholdSearch.Refiner counting = (k, h, idx) -> {
            refinements[0] += idx.length;
            return ENGINE.refine(cases.get(k).marginal(), h, idx);
        };
        CommonThreshold r = ThresholdSearch.run(cases.stream().map(c -> ENGINE.levels(c.marginal())).toList(), Metric.DICE,
                Objective.MEAN, counting);
        BruteCalibration.Result expected = BruteCalibration.run(cases.stream().map(Case::values).toList(), Q.of(1, 2),
                Q.of(1, 2), false);
        assertEquals(expected.score().text(), r.score().toString());
        assertEquals(expected.threshold().text(), r.threshold().toString());
        int bins = ENGINE.levels(cases.get(0).marginal()).size() + ENGINE.levels(cases.get(1).marginal()).size();
        assertTrue(refinements[0] < bins / 4, refinements[0] + " of " + bins + " bins refined");
    }

    private static CommonThreshold search(List<Case> cases, Metric metric, Objective objective) {
        return ThresholdSearch.run(cases.stream().map(c -> ENGINE.levels(c.marginal())).toList(), metric, objective,
                (k, h, idx) -> ENGINE.refine(cases.get(k).marginal(), h, idx));
    }

    private static CommonThreshold check(String what, List<Case> cases, Metric metric, Objective objective) {
        CommonThreshold r = search(cases, metric, objective);
        BruteCalibration.Result e = BruteCalibration.run(cases.stream().map(Case::values).toList(), q(metric.alpha()),
                q(metric.beta()), objective == Objective.POOLED);
        assertEquals(e.score().text(), r.score().toString(), what + ": score");
        assertEquals(e.optima().size(), r.optima().size(), what + ": optima " + r.optima());
        for (int i = 0; i < e.optima().size(); i++) {
            BruteCalibration.Interval x = e.optima().get(i);
            CommonThreshold.Interval y = r.optima().get(i);
            assertEquals(x.threshold().text(), y.threshold().toString(), what + ": optimum " + i);
            assertEquals(x.below() == null ? null : x.below().text(), y.below() == null ? null : y.below().toString(),
                    what + ": below optimum " + i);
        }
        assertEquals(e.threshold().text(), r.threshold().toString(), what + ": threshold");
        assertEquals(e.atHalf().text(), r.atHalf().toString(), what + ": at 1/2");
        assertEquals(e.oracle().text(), r.oracle().toString(), what + ": oracle");
        for (int c = 0; c < cases.size(); c++) {
            assertEquals(e.perCase().get(c).text(), r.cases().get(c).score().toString(), what + ": case " + c);
            assertEquals(e.volumes().get(c), r.cases().get(c).volume(), what + ": volume of case " + c);
        }
        return r;
    }

    private static Q q(Fraction f) {
        return Q.of(f.numerator(), f.denominator());
    }

    private static Case randomCase(Random rnd) {
        int n = 1 + rnd.nextInt(8);
        switch (rnd.nextInt(4)) {
            case 0 -> {
                int raters = 1 + rnd.nextInt(7);
                byte[] votes = new byte[n];
                for (int i = 0; i < n; i++) {
                    votes[i] = (byte) rnd.nextInt(raters + 1);
                }
                return new Case(Marginal.ofVotes(votes, raters), values(votes, raters));
            }
            case 1, 2 -> {
                float[] f = new float[n];
                boolean zero = rnd.nextInt(8) == 0;
                for (int i = 0; i < n; i++) {
                    f[i] = zero ? 0f : randomFloat(rnd);
                }
                if (rnd.nextBoolean()) {
                    return floats(f);
                }
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = rnd.nextInt(3) == 0 ? Math.nextUp((double) f[i]) * (f[i] < 1 ? 1 : 0) + (f[i] == 1 ? 1 : 0) : f[i];
                }
                return doubles(d);
            }
            default -> {
                float[] f = new float[n]; // many values inside one bin of the top 16 bits
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat(Float.floatToIntBits(0.3f) + rnd.nextInt(40));
                }
                return floats(f);
            }
        }
    }

    private static float randomFloat(Random rnd) {
        float base = POOL[rnd.nextInt(POOL.length)];
        return switch (rnd.nextInt(3)) {
            case 0 -> base;
            case 1 -> base < 1 ? Float.intBitsToFloat(Float.floatToIntBits(base) + 1 + rnd.nextInt(3)) : base;
            default -> rnd.nextFloat();
        };
    }

    private static Q[] values(byte[] votes, int raters) {
        Q[] q = new Q[votes.length];
        for (int i = 0; i < votes.length; i++) {
            q[i] = Q.of(votes[i], raters);
        }
        return q;
    }

    private static Case floats(float[] f) {
        Q[] q = new Q[f.length];
        for (int i = 0; i < f.length; i++) {
            q[i] = Q.of((double) f[i]);
        }
        return new Case(Marginal.ofFloats(f), q);
    }

    private static Case doubles(double[] d) {
        Q[] q = new Q[d.length];
        for (int i = 0; i < d.length; i++) {
            q[i] = Q.of(d[i]);
        }
        return new Case(Marginal.ofDoubles(d), q);
    }
}
