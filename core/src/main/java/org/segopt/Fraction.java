package org.segopt;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact non-negative rational number in lowest terms. Every decision segopt takes (which level
 * is optimal, which voxels tie with the Dice threshold) is a comparison of these, never of doubles.
 */
public final class Fraction implements Comparable<Fraction>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public static final Fraction ZERO = new Fraction(BigInteger.ZERO, BigInteger.ONE);
    public static final Fraction HALF = new Fraction(BigInteger.ONE, BigInteger.TWO);
    public static final Fraction ONE = new Fraction(BigInteger.ONE, BigInteger.ONE);

    private final BigInteger numerator;
    private final BigInteger denominator;

    private Fraction(BigInteger numerator, BigInteger denominator) {
        this.numerator = numerator;
        this.denominator = denominator;
    }

    /** Refuses a serialized fraction that is negative, has a zero denominator or is not in lowest terms. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (numerator == null || denominator == null || numerator.signum() < 0 || denominator.signum() <= 0
                || !numerator.gcd(denominator).equals(BigInteger.ONE)) {
            throw new java.io.InvalidObjectException("not a fraction in lowest terms: " + numerator + "/" + denominator);
        }
    }

    /** The fraction {@code numerator / denominator}, reduced; both non-negative, denominator non-zero. */
    public static Fraction of(BigInteger numerator, BigInteger denominator) {
        if (numerator.signum() < 0 || denominator.signum() <= 0) {
            throw new IllegalArgumentException("not a non-negative fraction: " + numerator + "/" + denominator);
        }
        BigInteger g = numerator.gcd(denominator);
        if (g.signum() == 0 || g.equals(BigInteger.ONE)) {
            return numerator.signum() == 0 ? ZERO : new Fraction(numerator, denominator);
        }
        return new Fraction(numerator.divide(g), denominator.divide(g));
    }

    /** The fraction {@code numerator / denominator} of two longs. */
    public static Fraction of(long numerator, long denominator) {
        return of(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
    }

    /** The exact value of a finite non-negative double. */
    public static Fraction of(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("not a finite non-negative number: " + value);
        }
        BigDecimal exact = new BigDecimal(value);
        BigInteger unscaled = exact.unscaledValue();
        int scale = exact.scale();
        return scale >= 0 ? of(unscaled, BigInteger.TEN.pow(scale))
                : of(unscaled.multiply(BigInteger.TEN.pow(-scale)), BigInteger.ONE);
    }

    public BigInteger numerator() {
        return numerator;
    }

    public BigInteger denominator() {
        return denominator;
    }

    /** The nearest double (correctly rounded for normal doubles). */
    public double doubleValue() {
        if (numerator.signum() == 0) {
            return 0.0;
        }
        // A quotient of 55-56 bits plus a sticky bit rounds correctly in the long -> double cast.
        int shift = 55 - (numerator.bitLength() - denominator.bitLength());
        BigInteger[] qr = shift >= 0
                ? numerator.shiftLeft(shift).divideAndRemainder(denominator)
                : numerator.divideAndRemainder(denominator.shiftLeft(-shift));
        long q = qr[0].longValueExact() | (qr[1].signum() != 0 ? 1 : 0);
        return Math.scalb((double) q, -shift);
    }

    @Override
    public int compareTo(Fraction o) {
        return numerator.multiply(o.denominator).compareTo(o.numerator.multiply(denominator));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fraction f && numerator.equals(f.numerator) && denominator.equals(f.denominator);
    }

    @Override
    public int hashCode() {
        return numerator.hashCode() * 31 + denominator.hashCode();
    }

    /** {@code "p/q"}, or {@code "p"} when the denominator is 1. */
    @Override
    public String toString() {
        return denominator.equals(BigInteger.ONE) ? numerator.toString() : numerator + "/" + denominator;
    }
}
