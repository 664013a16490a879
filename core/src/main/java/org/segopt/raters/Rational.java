package org.segopt.raters;

import java.math.BigInteger;
import org.segopt.Fraction;

/**
 * A signed exact rational, not reduced: the search's bounds have negative terms, which the public,
 * non-negative {@link Fraction} does not hold. Only sums of a few dozen terms are formed, so the
 * unreduced denominators stay a few hundred bits long.
 *
 * @param numerator   any sign
 * @param denominator positive
 */
record Rational(BigInteger numerator, BigInteger denominator) implements Comparable<Rational> {
    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);

    static Rational of(long numerator, long denominator) {
        return new Rational(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
    }

    Rational plus(Rational o) {
        return new Rational(numerator.multiply(o.denominator).add(o.numerator.multiply(denominator)),
                denominator.multiply(o.denominator));
    }

    Rational times(long factor) {
        return new Rational(numerator.multiply(BigInteger.valueOf(factor)), denominator);
    }

    Rational dividedBy(long divisor) {
        return new Rational(numerator, denominator.multiply(BigInteger.valueOf(divisor)));
    }

    /** The value as a {@link Fraction} (reduced); it must not be negative. */
    Fraction toFraction() {
        return Fraction.of(numerator, denominator);
    }

    @Override
    public int compareTo(Rational o) {
        return numerator.multiply(o.denominator).compareTo(o.numerator.multiply(denominator));
    }

    static Rational max(Rational a, Rational b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static Rational min(Rational a, Rational b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
