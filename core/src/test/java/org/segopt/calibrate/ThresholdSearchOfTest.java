package org.segopt.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.calibrate.BruteCalibration.Q;
import org.segopt.engine.Engine;

/**
 * {@link ThresholdSearch#of}, the entry for marginals in memory, against {@link BruteCalibration}:
 * float32 cases whose values share one first-pass bin (so the search must re-read them to refine)
 * beside vote cases; and its one-line errors naming the case.
 */
class ThresholdSearchOfTest {
    @Test
    void equalsBruteForceWhereBinsMustBeRefined() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 20; trial++) {
            List<Marginal> marginals = new ArrayList<>();
            List<Q[]> values = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int n = 2 + rnd.nextInt(6);
                Q[] q = new Q[n];
                if (c == 1) {
                    byte[] votes = new byte[n];
                    for (int i = 0; i < n; i++) {
                        votes[i] = (byte) rnd.nextInt(4);
                        q[i] = Q.of(votes[i], 3);
                    }
                    marginals.add(Marginal.ofVotes(votes, 3));
                } else {
                    float[] f = new float[n];
                    for (int i = 0; i < n; i++) {
                        f[i] = Float.intBitsToFloat(Float.floatToIntBits(0.3f) + rnd.nextInt(40));
                        q[i] = Q.of((double) f[i]);
                    }
                    marginals.add(Marginal.ofFloats(f));
                }
                values.add(q);
            }
            boolean pooled = trial % 2 == 1;
            CommonThreshold r = ThresholdSearch.of(marginals, Metric.DICE, pooled ? Objective.POOLED : Objective.MEAN,
                    Engine.parallel());
            BruteCalibration.Result e = BruteCalibration.run(values, Q.of(1, 2), Q.of(1, 2), pooled);
            assertEquals(e.threshold().text(), r.threshold().toString(), "trial " + trial + ": threshold");
            assertEquals(e.score().text(), r.score().toString(), "trial " + trial + ": score");
            assertEquals(e.oracle().text(), r.oracle().toString(), "trial " + trial + ": oracle");
        }
    }

    @Test
    void anInvalidCaseIsNamedAndNoCasesIsRefused() {
        List<Marginal> cases = List.of(Marginal.ofFloats(new float[] {0.5f}), Marginal.ofFloats(new float[] {0.25f, Float.NaN}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdSearch.of(cases, Metric.DICE, Objective.MEAN, Engine.scalar()));
        assertEquals("case 2: voxel 1 has value NaN, not in [0, 1]", e.getMessage());
        assertEquals("no cases", assertThrows(IllegalArgumentException.class,
                () -> ThresholdSearch.of(List.of(), Metric.DICE, Objective.MEAN, Engine.scalar())).getMessage());
    }
}
