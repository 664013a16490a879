package org.segopt.engine;

import java.math.BigInteger;
import org.segopt.Fraction;

/**
 * The binary floating-point layouts (float32, float64, float16, bfloat16) seen as keys: the bit pattern of a non-negative
 * float, read as an unsigned integer, orders like the float itself, so a histogram on the top bits
 * of the key is a histogram of m. Values in [0, 1] have keys 0 .. {@link #maxKey}. Every key
 * denotes the exact dyadic rational significand · 2^exponent.
 */
enum FloatFormat {
    F32(32, 23, 127, 0x3F80_0000L),
    F64(64, 52, 1023, 0x3FF0_0000_0000_0000L),
    /** IEEE-754 binary16. */
    F16(16, 10, 15, 0x3C00L),
    /** bfloat16: binary32 cut to its top 16 bits. */
    BF16(16, 7, 127, 0x3F80L);

    /** Bits per key. */
    final int width;
    /** Stored significand bits. */
    final int mantissaBits;
    final int bias;
    /** Key of 1.0, the largest valid key. */
    final long maxKey;

    FloatFormat(int width, int mantissaBits, int bias, long maxKey) {
        this.width = width;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.maxKey = maxKey;
    }

    /** Integer significand of the float with this key (implicit bit included for normal floats). */
    long significand(long key) {
        long mantissa = key & ((1L << mantissaBits) - 1);
        return (key >>> mantissaBits) == 0 ? mantissa : mantissa | (1L << mantissaBits);
    }

    /** Binary exponent e with value = significand · 2^e. */
    int exponent(long key) {
        int biased = (int) (key >>> mantissaBits);
        return Math.max(biased, 1) - bias - mantissaBits;
    }

    /** The value of a key as a double (exact: every value of these formats is a double). */
    double approximate(long key) {
        return switch (this) {
            case F32 -> Float.intBitsToFloat((int) key);
            case F64 -> Double.longBitsToDouble(key);
            case F16 -> Float.float16ToFloat((short) key);
            case BF16 -> Float.intBitsToFloat((int) key << 16);
        };
    }

    /** A key whose value is near v (0 ≤ v ≤ 1): where {@link #ceilKey} starts its exact search. */
    long keyNear(double v) {
        return switch (this) {
            case F32 -> Float.floatToRawIntBits((float) v);
            case F64 -> Double.doubleToRawLongBits(v);
            case F16 -> Float.floatToFloat16((float) v);
            case BF16 -> Float.floatToRawIntBits((float) v) >>> 16;
        };
    }

    /** Exact value of a key. */
    Fraction value(long key) {
        BigInteger sig = BigInteger.valueOf(significand(key));
        int e = exponent(key);
        return e >= 0 ? Fraction.of(sig.shiftLeft(e), BigInteger.ONE) : Fraction.of(sig, BigInteger.ONE.shiftLeft(-e));
    }

    /** The smallest key whose value is ≥ t ({@code maxKey + 1} when t > 1). */
    long ceilKey(Fraction t) {
        if (t.compareTo(Fraction.ONE) > 0) {
            return maxKey + 1;
        }
        long key = keyNear(t.doubleValue());
        while (value(key).compareTo(t) < 0) {
            key++;
        }
        while (key > 0 && value(key - 1).compareTo(t) >= 0) {
            key--;
        }
        return key;
    }
}
