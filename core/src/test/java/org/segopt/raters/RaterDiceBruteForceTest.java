package org.segopt.raters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segopt.Fraction;
import org.segopt.Marginal;

/** {@link RaterDice} against every one of the 2^n segmentations of small random cases. */
class RaterDiceBruteForceTest {

    @Test
    void matchesEnumerationOfAllSegmentations() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(trial < 40 ? 6 : 12);
            int r = 1 + random.nextInt(4);
            byte[][] masks = randomMasks(random, n, r);
            check(masks, "trial " + trial);
        }
    }

    @Test
    void emptyMasksScoreOneOnlyAtTheEmptySet() {
        byte[][] masks = {new byte[5], new byte[5]};
        RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
        assertEquals(Fraction.ONE, d.sup());
        assertEquals(0, d.leastVolume());
        assertEquals(0, d.greatestVolume());
        assertNull(d.ratio());
        assertEquals(Fraction.ONE, d.marginalDiceOfOptimum());
        assertEquals(Fraction.ONE, d.raterDiceOfDiceOptimum());
        check(new byte[][] {{0, 0, 0}, {0, 1, 0}}, "one empty rater");
    }

    /** Masks of a random density each (some empty or full), so that rater volumes differ. */
    static byte[][] randomMasks(SplittableRandom random, int n, int r) {
        byte[][] masks = new byte[r][n];
        for (byte[] mask : masks) {
            double p = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                default -> random.nextDouble();
            };
            for (int i = 0; i < n; i++) {
                mask[i] = (byte) (random.nextDouble() < p ? 1 : 0);
            }
        }
        return masks;
    }

    private static void check(byte[][] masks, String label) {
        int n = masks[0].length;
        Fraction sup = null;
        long least = 0;
        long greatest = 0;
        Fraction marginalOfOptimum = null;
        Fraction diceSup = null;
        long diceGreatest = -1;
        Fraction raterOfDiceOptimum = null;
        for (int bits = 0; bits < 1 << n; bits++) {
            boolean[] in = new boolean[n];
            for (int i = 0; i < n; i++) {
                in[i] = (bits >>> i & 1) != 0;
            }
            long k = Integer.bitCount(bits);
            Fraction e = ExpectedRaterDice.raterDice(masks, in);
            Fraction dm = ExpectedRaterDice.marginalDice(masks, in);
            int c = sup == null ? 1 : e.compareTo(sup);
            if (c > 0 || c == 0 && k > greatest) {
                marginalOfOptimum = dm;
            } else if (c == 0 && k == greatest && dm.compareTo(marginalOfOptimum) > 0) {
                marginalOfOptimum = dm;
            }
            if (c > 0) {
                sup = e;
                least = k;
                greatest = k;
            } else if (c == 0) {
                least = Math.min(least, k);
                greatest = Math.max(greatest, k);
            }
            int cd = diceSup == null ? 1 : dm.compareTo(diceSup);
            if (cd > 0 || cd == 0 && k > diceGreatest) {
                diceSup = dm;
                diceGreatest = k;
                raterOfDiceOptimum = e;
            }
        }
        RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
        String where = label + ", masks " + java.util.Arrays.deepToString(masks);
        assertEquals(sup, d.sup(), where);
        assertEquals(least, d.leastVolume(), where);
        assertEquals(greatest, d.greatestVolume(), where);
        assertEquals(marginalOfOptimum, d.marginalDiceOfOptimum(), where);
        assertEquals(raterOfDiceOptimum, d.raterDiceOfDiceOptimum(), where);
        long total = 0;
        for (byte[] mask : masks) {
            for (byte b : mask) {
                total += b;
            }
        }
        assertEquals(total == 0 ? null : Fraction.of(greatest * masks.length, total), d.ratio(), where);
    }
}
