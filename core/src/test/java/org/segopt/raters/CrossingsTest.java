package org.segopt.raters;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segopt.Fraction;

/** {@link Crossings#neverBelow}: sound on random pairs, and not fooled by two crossings. */
class CrossingsTest {
    private static final long[] VOLUMES = {17, 30, 148};
    private static final int[] UPPER = {1, 0, 2};
    private static final int[] LOWER = {0, 2, 0};

    @Test
    void twoCrossingsBetweenEqualSignsAreSeen() {
        // g = 1/(z+17) - 2/(z+30) + 2/(z+148) is positive at 1 and 399, negative on about 9..49.
        assertTrue(difference(UPPER, LOWER, VOLUMES, 1) > 0 && difference(UPPER, LOWER, VOLUMES, 399) > 0);
        assertTrue(difference(UPPER, LOWER, VOLUMES, 20) < 0);
        assertFalse(Crossings.neverBelow(UPPER, LOWER, VOLUMES, 1, 399));
        assertTrue(Crossings.neverBelow(UPPER, LOWER, VOLUMES, 60, 399));
        assertTrue(Crossings.neverBelow(UPPER, LOWER, VOLUMES, 1, 7));
    }

    @Test
    void neverWrongOnRandomPairs() {
        SplittableRandom random = new SplittableRandom(7);
        int proven = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int groups = 1 + random.nextInt(5);
            long[] volumes = random.longs(groups, 1, 400).sorted().distinct().toArray();
            int[] upper = random.ints(volumes.length, 0, 4).toArray();
            int[] lower = random.ints(volumes.length, 0, 4).toArray();
            long lo = 1 + random.nextInt(300);
            long hi = lo + 2 + random.nextInt(300);
            int atLo = difference(upper, lower, volumes, lo);
            int atHi = difference(upper, lower, volumes, hi);
            if (java.util.Arrays.equals(upper, lower) || atLo < 0 || atHi < 0 || atLo == 0 && atHi == 0
                    || !Crossings.neverBelow(upper, lower, volumes, lo, hi)) {
                continue;
            }
            proven++;
            for (long k = lo; k <= hi; k++) {
                assertTrue(difference(upper, lower, volumes, k) >= 0, "k = " + k);
            }
        }
        assertTrue(proven > 1000, "proven " + proven);
    }

    /** The sign of Σ_g (upper_g − lower_g) / (k + b_g), exactly. */
    private static int difference(int[] upper, int[] lower, long[] volumes, long k) {
        Fraction plus = Fraction.ZERO;
        Fraction minus = Fraction.ZERO;
        for (int g = 0; g < volumes.length; g++) {
            int e = upper[g] - lower[g];
            Fraction term = Fraction.of(Math.abs(e), k + volumes[g]);
            if (e > 0) {
                plus = sum(plus, term);
            } else if (e < 0) {
                minus = sum(minus, term);
            }
        }
        return plus.compareTo(minus);
    }

    private static Fraction sum(Fraction a, Fraction b) {
        return Fraction.of(a.numerator().multiply(b.denominator()).add(b.numerator().multiply(a.denominator())),
                a.denominator().multiply(b.denominator()));
    }
}
