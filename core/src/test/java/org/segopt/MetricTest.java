package org.segopt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricTest {
    private static final long SEED = 20261201L;

    @Test
    void namedMetricsHaveTheirTextbookWeights() {
        assertEquals(Metric.DICE, Metric.parse("dice"));
        assertEquals(Metric.JACCARD, Metric.parse("jaccard"));
        Metric f2 = Metric.parse("fbeta:2");
        assertEquals(Fraction.of(1, 5), f2.alpha());
        assertEquals(Fraction.of(4, 5), f2.beta());
        assertEquals("fbeta", f2.family());
        Metric t = Metric.parse("tversky:0.3,7e-1");
        assertEquals(Fraction.of(3, 10), t.alpha());
        assertEquals(Fraction.of(7, 10), t.beta());
        assertEquals(t, Metric.parse(t.name()));
        assertEquals("fbeta:1/2", Metric.parse("fbeta:0.5").name());
    }

    @Test
    void scoresAgreeWithTheDefinitionOnRandomCounts() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2000; i++) {
            long denominator = 1 + random.nextInt(9);
            long k = random.nextInt(50);
            long massNumerator = random.nextLong(50 * denominator + 1);
            long tpNumerator = random.nextLong(Math.min(k * denominator, massNumerator) + 1);
            Fraction tp = Fraction.of(tpNumerator, denominator);
            Fraction mass = Fraction.of(massNumerator, denominator);
            // Dice: 2 TP / (k + M); Jaccard: TP / (k + M - TP); both 1 when k + M = 0.
            long sum = k * denominator + massNumerator;
            Fraction dice = sum == 0 ? Fraction.ONE : Fraction.of(2 * tpNumerator, sum);
            Fraction jaccard = sum == 0 ? Fraction.ONE : Fraction.of(tpNumerator, sum - tpNumerator);
            assertEquals(dice, Metric.DICE.score(tp, k, mass), "dice " + tp + " " + k + " " + mass);
            assertEquals(dice, Metric.fbeta(Fraction.ONE).score(tp, k, mass));
            assertEquals(jaccard, Metric.JACCARD.score(tp, k, mass));
            // F2 = 5 TP / (5 TP + FP + 4 FN)
            long fp = k * denominator - tpNumerator;
            long fn = massNumerator - tpNumerator;
            long f2Denominator = 5 * tpNumerator + fp + 4 * fn;
            assertEquals(f2Denominator == 0 ? Fraction.ONE : Fraction.of(5 * tpNumerator, f2Denominator),
                    Metric.parse("fbeta:2").score(tp, k, mass));
        }
    }

    @Test
    void thresholdsAreThoseOfTheDinkelbachCondition() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 500; i++) {
            Fraction d = Fraction.of(1 + random.nextInt(1000), 1000);
            assertEquals(Fraction.of(d.numerator(), d.denominator().multiply(java.math.BigInteger.TWO)),
                    Metric.DICE.threshold(d));
            // Jaccard J = D / (2 - D) has the Dice threshold D / 2.
            Fraction j = Fraction.of(d.numerator(), d.denominator().multiply(java.math.BigInteger.TWO).subtract(d.numerator()));
            assertEquals(Metric.DICE.threshold(d), Metric.JACCARD.threshold(j));
            Metric t = Metric.tversky(Fraction.of(1 + random.nextInt(9), 10), Fraction.of(1 + random.nextInt(9), 10));
            Fraction tau = t.threshold(d);
            assertTrue(tau.compareTo(Fraction.ONE) <= 0, t + " at " + d + " gives " + tau);
        }
    }

    @Test
    void badNamesAndWeightsAreRefusedWithTheReason() {
        for (String bad : new String[] {"dise", "fbeta:", "fbeta:-1", "fbeta:0", "fbeta:x", "tversky:1",
                "tversky:1,2,3", "tversky:0,1", "fbeta:1e99999", "fbeta:0x1p3", "fbeta:NaN", "fbeta:1/0", "fbeta:0/3", "fbeta:-1/2", "fbeta:1/2/3",
                "tversky:1e-7,1", "tversky:1,1000001", "fbeta:1e-4"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metric.parse(bad), bad);
            assertTrue(e.getMessage().contains("metric"), e.getMessage());
        }
    }
}
