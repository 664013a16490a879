package org.segopt.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VoxelNoiseTest {
    @Test
    void aVoxelsDeviateDoesNotDependOnWhereTheFillStarts() {
        double[] all = new double[1000];
        VoxelNoise.fill(7, 5000, all);
        for (int start : new int[] {1, 2, 3, 500, 999}) {
            double[] part = new double[all.length - start];
            VoxelNoise.fill(7, 5000 + start, part);
            assertArrayEquals(Arrays.copyOfRange(all, start, all.length), part, "from " + start);
        }
        double[] other = new double[all.length];
        VoxelNoise.fill(8, 5000, other);
        assertFalse(Arrays.equals(all, other), "another seed, other noise");
    }

    @Test
    void deviatesAreStandardNormalAndBounded() {
        double[] z = new double[1 << 20];
        VoxelNoise.fill(Phantom.SEED, 0, z);
        double sum = 0;
        double squares = 0;
        long beyond2 = 0;
        for (double v : z) {
            assertTrue(Math.abs(v) <= VoxelNoise.BOUND, () -> v + " beyond the bound");
            sum += v;
            squares += v * v;
            beyond2 += Math.abs(v) > 2 ? 1 : 0;
        }
        double mean = sum / z.length;
        double variance = squares / z.length - mean * mean;
        // Standard errors at n = 2^20: mean 0.001, variance 0.0014, P(|z| > 2) = 0.0455 ± 0.0002.
        assertEquals(0, mean, 0.005);
        assertEquals(1, variance, 0.007);
        assertEquals(0.0455, beyond2 / (double) z.length, 0.001);
        assertEquals(8.5716, VoxelNoise.BOUND, 1e-4);
    }
}
