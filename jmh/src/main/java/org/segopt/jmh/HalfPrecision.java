package org.segopt.jmh;

/**
 * Rounds a double in [0, 1] once, to nearest with ties to even, to the bit pattern of a 16-bit
 * float: IEEE 754 binary16 ({@code float16}: 5 exponent bits, 10 fraction bits) or
 * {@code bfloat16} (the top 16 bits of a float32 pattern: 8 exponent bits, 7 fraction bits).
 *
 * <p>Rounding straight from the double, not through float32, avoids double rounding: a double just
 * above a half-way point between two 16-bit values could become, as a float, the half-way point
 * itself and then round to even, the wrong way.
 */
final class HalfPrecision {
    private HalfPrecision() {
    }

    /** The float16 pattern nearest to x (ties to even); below 2^-25 that is +0, above 1 - 2^-12 it is 1. */
    static short float16(double x) {
        return round(x, 10, -14);
    }

    /** The bfloat16 pattern nearest to x (ties to even); above 1 - 2^-9 it is 1. */
    static short bfloat16(double x) {
        return round(x, 7, -126);
    }

    /**
     * x rounded to a binary format with the given fraction bits and smallest normal exponent, as
     * its bit pattern (sign 0). With e = max(exponent of x, minExponent), x / 2^(e - fraction) is
     * scaled exactly (a power of two) and {@link Math#rint} rounds it to an integer q, ties to
     * even; the pattern is (e - minExponent) · 2^fraction + q, which also covers subnormals
     * (e = minExponent, q below 2^fraction) and a carry into the next exponent (q = 2^(fraction+1)).
     */
    private static short round(double x, int fraction, int minExponent) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("a marginal value must be in [0, 1], not " + x);
        }
        int e = Math.max(Math.getExponent(x), minExponent);
        long q = (long) Math.rint(Math.scalb(x, fraction - e));
        return (short) (((long) (e - minExponent) << fraction) + q);
    }
}
