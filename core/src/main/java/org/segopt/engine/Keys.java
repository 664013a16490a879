package org.segopt.engine;

import java.math.BigInteger;
import org.segopt.Fraction;
import org.segopt.Marginal;

/** Maps exact thresholds on m to keys (see {@link Kernels}), so that a mask is one integer comparison per voxel. */
final class Keys {
    private Keys() {
    }

    static FloatFormat format(Marginal m) {
        return switch (m.encoding()) {
            case FLOAT32 -> FloatFormat.F32;
            case FLOAT64 -> FloatFormat.F64;
            case FLOAT16 -> FloatFormat.F16;
            case BFLOAT16 -> FloatFormat.BF16;
            case VOTES, RATER_MASKS -> null;
        };
    }

    /** The exact value of m at a key. */
    static Fraction value(Marginal m, long key) {
        FloatFormat f = format(m);
        return f != null ? f.value(key) : Fraction.of(key, m.raters());
    }

    /** The smallest key whose value is ≥ t: I{m ≥ t} = I{key ≥ ceilKey(t)}. */
    static long ceilKey(Marginal m, Fraction t) {
        FloatFormat f = format(m);
        if (f != null) {
            return f.ceilKey(t);
        }
        BigInteger[] qr = t.numerator().multiply(BigInteger.valueOf(m.raters())).divideAndRemainder(t.denominator());
        BigInteger c = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return c.min(BigInteger.valueOf(m.raters() + 1L)).longValueExact();
    }

    /** The smallest key whose value is > t: I{m > t} = I{key ≥ aboveKey(t)}. */
    static long aboveKey(Marginal m, Fraction t) {
        long key = ceilKey(m, t);
        FloatFormat f = format(m);
        long max = f != null ? f.maxKey : m.raters();
        return key <= max && value(m, key).equals(t) ? key + 1 : key;
    }
}
