package org.segopt.engine;

import java.math.BigInteger;

/**
 * One bin of the histogram of m: {@code count} voxels whose values lie in [lo, hi] and sum to
 * {@code sum}, all as numerators over the table's common denominator. A level is exact when it
 * holds a single value (lo = hi); the engine refines inexact levels only where a decision needs
 * them. Float levels remember their histogram position (depth, prefix) so they can be refined.
 */
record Level(long count, BigInteger sum, BigInteger lo, BigInteger hi, int depth, long prefix) {

    /**
     * A level with bounds tightened by what the sum proves: one voxel, or a sum equal to count·lo
     * or count·hi, means every voxel has that one value.
     */
    static Level of(long count, BigInteger sum, BigInteger lo, BigInteger hi, int depth, long prefix) {
        if (count == 1) {
            return new Level(count, sum, sum, sum, depth, prefix);
        }
        BigInteger c = BigInteger.valueOf(count);
        if (sum.equals(c.multiply(lo))) {
            return new Level(count, sum, lo, lo, depth, prefix);
        }
        if (sum.equals(c.multiply(hi))) {
            return new Level(count, sum, hi, hi, depth, prefix);
        }
        return new Level(count, sum, lo, hi, depth, prefix);
    }

    boolean exact() {
        return lo.equals(hi);
    }
}
