package org.segopt.engine;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An exact sum of non-negative doubles (every float32 and float64 value in [0, 1] among them)
 * without a histogram: each value is split into integer parts on fixed grids, part k counting
 * multiples of 2^(−51·k), and the parts are summed in longs. A value is the sum of its parts
 * exactly, so the sum is exact whatever the order of the additions: backends that add the same
 * values in other orders (threads, vector lanes, a GPU) hold equal sums.
 *
 * <p>Why 51 bits: for |x| ≤ 2^51 adding and subtracting 1.5·2^52 rounds x to an integer that the
 * vector kernels read straight from the bit pattern; the remainder x − round(x) is exact and at
 * most ½, so the next grid holds it with 51 bits again. A float32 needs at most three grids
 * (2^−153 divides 2^−149), a float64 in [2^−101, 1] three as well and one in [2^−152, 1] four;
 * smaller float64 values need up to {@link #GRIDS} − 1.
 *
 * <p>Mutable and reusable (a sum is a monoid: sums of disjoint sets of voxels {@linkplain #add(ExactSum)
 * add}); not thread-safe. Part 0 counts whole units.
 */
public final class ExactSum {
    /** Bits per grid: part k counts multiples of 2^(−51·k). */
    public static final int GRID_BITS = 51;
    /** Parts: enough for the smallest float64 subnormal, 2^−1074 (22 · 51 ≥ 1074). */
    public static final int GRIDS = 23;
    /** The grids a float32 value needs (and a float64 of at least 2^−101). */
    public static final int VECTOR_GRIDS = 3;

    private static final double SCALE = 0x1p51;
    private static final long UNIT = 1L << GRID_BITS;

    private final long[] parts = new long[GRIDS];
    /** Values {@linkplain #add(double) added} since the last {@link #normalize()}. */
    private int pending;

    /** Part k: the count of multiples of 2^(−51·k) (k = 0: whole units). */
    public long part(int k) {
        return parts[k];
    }

    /**
     * Adds {@code count} (|count| ≤ 2^62: the sum of up to 2^11 grid values) to part k, k ≥ 1, and
     * carries what exceeds [0, 2^51) into part k − 1: constant time, so kernels call it once per
     * block, and no part can overflow (part k − 1 gains at most 2^12 a call).
     */
    public void addPart(int k, long count) {
        long p = parts[k] + count;
        long carry = p >> GRID_BITS; // floor division by 2^51
        parts[k] = p - (carry << GRID_BITS);
        parts[k - 1] += carry;
    }

    /** Adds the whole number {@code n} to part 0. */
    public void addWhole(long n) {
        parts[0] += n;
    }

    /**
     * Adds {@code count} · 2^{@code exponent} exactly, for 0 ≤ count < 2^62 and
     * −51 · 22 ≤ exponent ≤ 0 (n voxels of one float value: count = n · significand): the part
     * of count below the grid through 2^exponent goes to that grid, the rest to the grid above.
     */
    public void addScaled(long count, int exponent) {
        if (count < 0 || count >= 1L << 62 || exponent > 0 || exponent < -GRID_BITS * (GRIDS - 1)) {
            throw new IllegalArgumentException("not addable: " + count + " · 2^" + exponent);
        }
        if (exponent == 0) {
            parts[0] += count;
            return;
        }
        int k = (-exponent + GRID_BITS - 1) / GRID_BITS; // grid k counts multiples of 2^(−51k) ≤ 2^exponent
        int shift = GRID_BITS * k + exponent; // 2^exponent = 2^shift grid-k units, 0 ≤ shift < 51
        long low = count & ((1L << (GRID_BITS - shift)) - 1);
        long high = count >>> (GRID_BITS - shift);
        parts[k] += low << shift; // below 2^51
        if (k == 1) {
            parts[0] += high;
        } else {
            addPart(k - 1, high);
        }
        normalizeIfLarge();
    }

    /** Adds one value v ≥ 0 (finite), exactly. */
    public void add(double v) {
        double x = v;
        for (int k = 1; x != 0; k++) {
            if (k == GRIDS) {
                throw new IllegalArgumentException("not representable on the grids: " + v);
            }
            x *= SCALE;
            double whole = Math.rint(x);
            parts[k] += (long) whole;
            x -= whole;
        }
        normalizeIfLarge();
    }

    /** Adds every part of {@code other}. */
    public void add(ExactSum other) {
        for (int k = 0; k < GRIDS; k++) {
            parts[k] += other.parts[k];
        }
        normalize();
    }

    /** Subtracts every part of {@code other} (the sum of a subset of this sum's values). */
    public void subtract(ExactSum other) {
        for (int k = 0; k < GRIDS; k++) {
            parts[k] -= other.parts[k];
        }
        normalize();
    }

    /** Sets this sum to {@code other}'s. */
    public void set(ExactSum other) {
        System.arraycopy(other.parts, 0, parts, 0, GRIDS);
    }

    /** Sets this sum to 0. */
    public void clear() {
        Arrays.fill(parts, 0);
    }

    /** Whether the sum is 0. */
    public boolean isZero() {
        for (long p : parts) {
            if (p != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Carries between the parts so that parts 1.. lie in [0, 2^51): the same sum, and room for
     * another 2^11 additions per part.
     */
    public void normalize() {
        pending = 0;
        for (int k = GRIDS - 1; k > 0; k--) {
            long carry = Math.floorDiv(parts[k], UNIT);
            parts[k] -= carry * UNIT;
            parts[k - 1] += carry;
        }
    }

    private void normalizeIfLarge() {
        if (++pending == 1 << 11) {
            normalize();
        }
    }

    /** The finest grid holding a non-zero part (0 when the sum is a whole number). */
    public int finestGrid() {
        for (int k = GRIDS - 1; k > 0; k--) {
            if (parts[k] != 0) {
                return k;
            }
        }
        return 0;
    }

    /** The sum times 2^unit, which must be an integer ({@code unit ≥ 51 · finestGrid()}). */
    public BigInteger numerator(int unit) {
        BigInteger total = BigInteger.ZERO;
        for (int k = 0; k < GRIDS; k++) {
            if (parts[k] != 0) {
                int shift = unit - GRID_BITS * k;
                if (shift < 0) {
                    throw new IllegalArgumentException("the sum is not a multiple of 2^-" + unit);
                }
                total = total.add(BigInteger.valueOf(parts[k]).shiftLeft(shift));
            }
        }
        return total;
    }

    /** The sum as a double, within a few units in the last place (finest parts first). */
    public double approximate() {
        double s = 0;
        for (int k = GRIDS - 1; k >= 0; k--) {
            if (parts[k] != 0) {
                s += Math.scalb((double) parts[k], -GRID_BITS * k);
            }
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExactSum other)) {
            return false;
        }
        ExactSum a = copy();
        ExactSum b = other.copy();
        a.normalize();
        b.normalize();
        return Arrays.equals(a.parts, b.parts);
    }

    @Override
    public int hashCode() {
        ExactSum a = copy();
        a.normalize();
        return Arrays.hashCode(a.parts);
    }

    private ExactSum copy() {
        ExactSum c = new ExactSum();
        c.set(this);
        return c;
    }

    @Override
    public String toString() {
        return "ExactSum[" + approximate() + "]";
    }
}
