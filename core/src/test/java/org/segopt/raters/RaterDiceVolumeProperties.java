package org.segopt.raters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segopt.Fraction;
import org.segopt.Marginal;

/**
 * {@link RaterDice} on masks of thousands of voxels against a reference that tries every volume
 * k = 0..n: it sorts the voxels by their exact weight Σ_r L_ri / (k + |L_r|) and scores the top k.
 * The masks are overlapping outlines of different sizes with noise, as real raters draw them, so
 * the optimum often lies inside a large class of voxels rather than at a class boundary.
 */
class RaterDiceVolumeProperties {

    @Test
    void everyVolumeReferenceAgrees() {
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 8), integers().between(50, 1500))
                .checkAssert((seed, r, n) -> {
                    byte[][] masks = outlines(new SplittableRandom(seed), n, r);
                    Reference expected = Reference.of(masks);
                    RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
                    String where = "seed " + seed + ", R = " + r + ", n = " + n;
                    assertEquals(expected.sup, d.sup(), where);
                    assertEquals(expected.least, d.leastVolume(), where);
                    assertEquals(expected.greatest, d.greatestVolume(), where);
                });
    }

    @Test
    void tenNoisyRaters() {
        SplittableRandom random = new SplittableRandom(10);
        byte[][] masks = new byte[10][600];
        for (byte[] mask : masks) {
            double p = 0.1 + 0.6 * random.nextDouble();
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) (random.nextDouble() < (i < 200 ? 0.9 : p / 3) ? 1 : 0);
            }
        }
        Reference expected = Reference.of(masks);
        RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
        assertEquals(expected, new Reference(d.sup(), d.leastVolume(), d.greatestVolume()));
    }

    @Test
    void equalRaterVolumesMakeBothCriteriaOne() {
        // Every rater draws 6 voxels, so E[D_L] = D_{E[L]} for every s: the optima coincide.
        byte[][] masks = {
                {1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
                {1, 1, 1, 1, 0, 0, 1, 1, 0, 0},
                {1, 1, 1, 0, 1, 0, 0, 0, 1, 1}};
        RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
        assertEquals(d.sup(), d.marginalDiceOfOptimum());
        assertEquals(d.sup(), d.raterDiceOfDiceOptimum());
        assertEquals(Reference.of(masks).sup, d.sup());
    }

    @Test
    void findsAnOptimumInsideAClass() {
        // Voxels per rater pattern (bit r: rater r); the optimum, volume 105, lies inside the class
        // of pattern 5 (raters 1 and 3), which fills volumes 87..107.
        long[] voxelsOfPattern = {0, 2, 20, 5, 1, 60, 2, 20};
        int n = (int) Arrays.stream(voxelsOfPattern).sum();
        byte[][] masks = new byte[3][n];
        int i = 0;
        for (int p = 0; p < voxelsOfPattern.length; p++) {
            for (long c = 0; c < voxelsOfPattern[p]; c++, i++) {
                for (int r = 0; r < 3; r++) {
                    masks[r][i] = (byte) (p >>> r & 1);
                }
            }
        }
        RaterDice d = RaterDice.of(Marginal.ofRaterMasks(masks));
        assertEquals(105, d.leastVolume());
        assertEquals(105, d.greatestVolume());
        assertEquals(Reference.of(masks).sup, d.sup());
    }

    /** Each rater an interval of its own length and position, with some noise. */
    static byte[][] outlines(SplittableRandom random, int n, int r) {
        byte[][] masks = new byte[r][n];
        int center = n / 2;
        for (byte[] mask : masks) {
            int half = random.nextInt(n / 2 + 1);
            int shift = random.nextInt(n / 8 + 1) - n / 16;
            double noise = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextDouble() * 0.4; // many rater patterns
                default -> random.nextDouble() * 0.05;
            };
            for (int i = 0; i < n; i++) {
                boolean inside = Math.abs(i - center - shift) < half;
                mask[i] = (byte) (inside ^ random.nextDouble() < noise ? 1 : 0);
            }
        }
        return masks;
    }

    /** The optimum over k by trying each k; weights compared as exact fractions. */
    record Reference(Fraction sup, long least, long greatest) {
        static Reference of(byte[][] masks) {
            int r = masks.length;
            int n = masks[0].length;
            long[] volume = new long[r];
            int[] pattern = new int[n];
            for (int j = 0; j < r; j++) {
                for (int i = 0; i < n; i++) {
                    volume[j] += masks[j][i];
                    pattern[i] |= masks[j][i] << j;
                }
            }
            long[] count = new long[1 << r];
            for (int p : pattern) {
                count[p]++;
            }
            Fraction sup = null;
            long least = 0;
            long greatest = 0;
            for (long k = 0; k <= n; k++) {
                final long kk = k;
                Integer[] order = new Integer[1 << r];
                Arrays.setAll(order, p -> p);
                // weight of pattern p over the common denominator Π_j (k + |L_j|) (k = 0 only for empty raters)
                BigInteger[] share = new BigInteger[r];
                for (int j = 0; j < r; j++) {
                    share[j] = BigInteger.ONE;
                    for (int o = 0; o < r; o++) {
                        share[j] = o == j ? share[j] : share[j].multiply(BigInteger.valueOf(Math.max(1, kk + volume[o])));
                    }
                }
                BigInteger[] weight = new BigInteger[1 << r];
                for (int p = 0; p < 1 << r; p++) {
                    BigInteger w = BigInteger.ZERO;
                    for (int j = 0; j < r; j++) {
                        w = (p >>> j & 1) != 0 ? w.add(share[j]) : w;
                    }
                    weight[p] = w;
                }
                Arrays.sort(order, (a, b) -> weight[b].compareTo(weight[a]));
                long[] both = new long[r];
                long left = k;
                for (int p : order) {
                    long take = Math.min(left, count[p]);
                    for (int j = 0; j < r; j++) {
                        both[j] += (p >>> j & 1) * take;
                    }
                    left -= take;
                }
                ExpectedRaterDice.Sum s = ExpectedRaterDice.Sum.ZERO;
                for (int j = 0; j < r; j++) {
                    s = k + volume[j] == 0 ? s.plus(1, 1) : s.plus(2 * both[j], k + volume[j]);
                }
                Fraction e = s.over(r);
                int c = sup == null ? 1 : e.compareTo(sup);
                if (c > 0) {
                    sup = e;
                    least = k;
                    greatest = k;
                } else if (c == 0) {
                    greatest = k;
                }
            }
            return new Reference(sup, least, greatest);
        }
    }
}
