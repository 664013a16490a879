package org.segopt.raters;

import java.math.BigInteger;
import org.segopt.Fraction;

/**
 * References for {@link RaterDice} written from the definitions, independently of the search:
 * E[D_L(s)] = (1/R) Σ_r D(s, L_r) summed exactly for given sets, with D(∅, ∅) = 1.
 */
final class ExpectedRaterDice {
    private ExpectedRaterDice() {
    }

    /** An exact signed-free sum p/q, for the references only. */
    record Sum(BigInteger p, BigInteger q) {
        static final Sum ZERO = new Sum(BigInteger.ZERO, BigInteger.ONE);

        Sum plus(long p2, long q2) {
            return new Sum(p.multiply(BigInteger.valueOf(q2)).add(BigInteger.valueOf(p2).multiply(q)),
                    q.multiply(BigInteger.valueOf(q2)));
        }

        Fraction over(long d) {
            return Fraction.of(p, q.multiply(BigInteger.valueOf(d)));
        }
    }

    /** E[D_L(s)] for s given by {@code in}. */
    static Fraction raterDice(byte[][] masks, boolean[] in) {
        long k = 0;
        for (boolean b : in) {
            k += b ? 1 : 0;
        }
        Sum sum = Sum.ZERO;
        for (byte[] mask : masks) {
            long volume = 0;
            long both = 0;
            for (int i = 0; i < mask.length; i++) {
                volume += mask[i];
                both += in[i] ? mask[i] : 0;
            }
            sum = k + volume == 0 ? sum.plus(1, 1) : sum.plus(2 * both, k + volume);
        }
        return sum.over(masks.length);
    }

    /** D_{E[L]}(s) = 2 Σ_s m / (|s| + Σ m), m the mean of the masks; 1 when both are empty. */
    static Fraction marginalDice(byte[][] masks, boolean[] in) {
        long k = 0;
        long votesIn = 0;
        long votes = 0;
        for (int i = 0; i < in.length; i++) {
            int c = 0;
            for (byte[] mask : masks) {
                c += mask[i];
            }
            votes += c;
            k += in[i] ? 1 : 0;
            votesIn += in[i] ? c : 0;
        }
        long r = masks.length;
        return k + votes == 0 ? Fraction.ONE : Fraction.of(2 * votesIn, r * k + votes);
    }
}
