package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.segopt.Analysis;
import org.segopt.Analysis.Interval;
import org.segopt.Fraction;
import org.segopt.engine.MarginalCases.Case;

/**
 * Theorems 1-3 on random marginals: the engine's bound flags are all true, its bound intervals
 * equal the ones recomputed here from M and n alone (Fraction arithmetic by hand, in voxels), and the
 * optimal volume intervals (from the engine AND from the brute-force reference) lie inside them.
 *
 * <p>Theorem 1: V^A ⊆ [max(2M − n, 0), min(2M, n)]. Theorem 2: V^D ⊆ [M² / n, n].
 * Theorem 3: sup V^A ≤ inf V^D.
 */
class TheoremProperties {
    private static final Engine ENGINE = Engine.scalar();

    @Test
    void boundsHoldAndAreTheTheoremsIntervals() {
        Theories.check(300, MarginalCases.cases(2000), TheoremProperties::boundsHold);
    }

    /** The bounds are consistent with the optima the reference finds: the sup values make sense. */
    @Test
    void supValuesAreWithinTheirNaturalRanges() {
        Theories.check(200, MarginalCases.cases(2000), TheoremProperties::supValuesInRange);
    }

    private static void boundsHold(Case c) {
        ExactReference ref = c.ref();
        String d = c.description();
        Analysis a = ENGINE.analyze(c.marginal());
        long n = a.voxels();
        assertEquals(ref.voxels(), n, d);

        // M = p / q in voxels, taken from the reference (which summed the exact voxel values).
        Fraction m = ref.mass();
        assertEquals(m, a.mass(), d);
        BigInteger p = m.numerator();
        BigInteger q = m.denominator();
        BigInteger bn = BigInteger.valueOf(n);

        // Theorem 1: [max(2M − n, 0), min(2M, n)]
        BigInteger twoP = p.shiftLeft(1);
        BigInteger nq = bn.multiply(q);
        Fraction accLower = twoP.compareTo(nq) > 0 ? Fraction.of(twoP.subtract(nq), q) : Fraction.ZERO;
        Fraction accUpper = twoP.compareTo(nq) < 0 ? Fraction.of(twoP, q) : Fraction.of(n, 1);
        // Theorem 2: [M² / n, n]
        Fraction diceLower = Fraction.of(p.multiply(p), q.multiply(q).multiply(bn));
        Fraction diceUpper = Fraction.of(n, 1);

        assertEquals(new Interval(accLower, accUpper), a.bounds().accuracy(), d);
        assertEquals(new Interval(diceLower, diceUpper), a.bounds().dice(), d);

        assertTrue(a.bounds().accuracyHolds(), () -> d + " Theorem 1 flag " + a);
        assertTrue(a.bounds().diceHolds(), () -> d + " Theorem 2 flag " + a);
        assertTrue(a.bounds().accuracyBelowDice(), () -> d + " Theorem 3 flag " + a);

        // The theorems themselves, on the engine's volumes and on the reference's, by cross products.
        for (long[] acc : new long[][] {{a.accuracy().leastVolume(), a.accuracy().greatestVolume()},
                {ref.accuracyLeast(), ref.accuracyGreatest()}}) {
            assertTrue(leq(accLower, acc[0]) && acc[0] <= acc[1] && geq(accUpper, acc[1]),
                    () -> d + " Theorem 1 violated: [" + acc[0] + ", " + acc[1] + "] vs [" + accLower + ", " + accUpper + "]");
        }
        for (long[] dice : new long[][] {{a.dice().leastVolume(), a.dice().greatestVolume()},
                {ref.diceLeast(), ref.diceGreatest()}}) {
            assertTrue(leq(diceLower, dice[0]) && dice[0] <= dice[1] && dice[1] <= n,
                    () -> d + " Theorem 2 violated: [" + dice[0] + ", " + dice[1] + "] vs [" + diceLower + ", " + n + "]");
        }
        assertTrue(a.accuracy().greatestVolume() <= a.dice().leastVolume(), d + " Theorem 3 (engine volumes)");
        assertTrue(ref.accuracyGreatest() <= ref.diceLeast(), d + " Theorem 3 (reference volumes)");

        // Interval.contains agrees with the cross-product test.
        Interval acc = a.bounds().accuracy();
        assertEquals(leq(accLower, a.accuracy().leastVolume()) && geq(accUpper, a.accuracy().greatestVolume()),
                acc.contains(a.accuracy().leastVolume(), a.accuracy().greatestVolume()), d);
        // ... including just outside the interval
        long outside = a.accuracy().greatestVolume() + 1;
        assertEquals(geq(accUpper, outside), acc.contains(a.accuracy().leastVolume(), outside), d);
    }

    private static void supValuesInRange(Case c) {
        Analysis a = ENGINE.analyze(c.marginal());
        String d = c.description();
        // 0 < sup D ≤ 1; ½ ≤ sup A ≤ 1; τ* = sup D / 2 ≤ ½
        assertTrue(a.dice().sup().compareTo(Fraction.ZERO) > 0 && a.dice().sup().compareTo(Fraction.ONE) <= 0, d);
        assertTrue(a.accuracy().sup().compareTo(Fraction.HALF) >= 0 && a.accuracy().sup().compareTo(Fraction.ONE) <= 0, d);
        assertEquals(a.dice().sup(), Fraction.of(a.dice().threshold().numerator().shiftLeft(1),
                a.dice().threshold().denominator()), d);
        assertEquals(Fraction.HALF, a.accuracy().threshold(), d);
        // ratio = greatest / M
        if (a.mass().equals(Fraction.ZERO)) {
            assertEquals(null, a.dice().ratio(), d);
            assertEquals(null, a.accuracy().ratio(), d);
        } else {
            Fraction m = a.mass();
            assertEquals(Fraction.of(BigInteger.valueOf(a.dice().greatestVolume()).multiply(m.denominator()), m.numerator()),
                    a.dice().ratio(), d);
            assertEquals(Fraction.of(BigInteger.valueOf(a.accuracy().greatestVolume()).multiply(m.denominator()),
                    m.numerator()), a.accuracy().ratio(), d);
        }
    }

    private static boolean leq(Fraction f, long v) {
        return f.numerator().compareTo(BigInteger.valueOf(v).multiply(f.denominator())) <= 0;
    }

    private static boolean geq(Fraction f, long v) {
        return f.numerator().compareTo(BigInteger.valueOf(v).multiply(f.denominator())) >= 0;
    }
}
