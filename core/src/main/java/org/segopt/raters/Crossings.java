package org.segopt.raters;

import java.math.BigInteger;

/**
 * Whether the weights of two pattern classes can cross between two volumes. Their difference is
 * g(z) = Σ_g e_g / (z + b_g), e_g the difference of their multiplicities at volume b_g.
 *
 * <p>If e changes sign at most once along ascending b (b_g < β ≤ b_h for the e_g of one sign and
 * the e_h of the other), (z + β)·g(z) is strictly monotone for z > −b_min: every ratio
 * (z + β)/(z + b) moves against the sign of its coefficient's side. So g has at most one zero there,
 * and it is a sign change. Otherwise, Descartes' rule of signs on
 * H(y) = Σ_g e_g Π_{h≠g} ((lo + b_h) + (hi + b_h)·y), which has the sign of g((lo + hi·y)/(1 + y))
 * for y > 0, proves g free of zeros in (lo, hi) when H's coefficients do not change sign.
 */
final class Crossings {
    private Crossings() {
    }

    /**
     * Whether class {@code upper} weighs at least as much as {@code lower} on all of [lo, hi],
     * given (as the caller checked) that it does at lo and at hi and that they are not equal at
     * both. False means "not proven", not "they cross".
     */
    static boolean neverBelow(int[] upper, int[] lower, long[] volumes, long lo, long hi) {
        int changes = 0;
        int last = 0;
        int support = 0;
        for (int g = 0; g < volumes.length; g++) {
            int sign = Integer.signum(upper[g] - lower[g]);
            if (sign != 0) {
                support++;
                changes += last != 0 && sign != last ? 1 : 0;
                last = sign;
            }
        }
        return changes <= 1 || signChanges(transformed(upper, lower, volumes, lo, hi, support)) == 0;
    }

    /** The coefficients of H(y), lowest degree first. */
    private static BigInteger[] transformed(int[] upper, int[] lower, long[] volumes, long lo, long hi, int support) {
        int[] groups = new int[support];
        for (int g = 0, i = 0; g < volumes.length; g++) {
            if (upper[g] != lower[g]) {
                groups[i++] = g;
            }
        }
        BigInteger[] h = new BigInteger[support];
        java.util.Arrays.fill(h, BigInteger.ZERO);
        for (int i = 0; i < support; i++) {
            BigInteger[] product = {BigInteger.ONE};
            for (int j = 0; j < support; j++) {
                if (j != i) {
                    long b = volumes[groups[j]];
                    product = timesLinear(product, BigInteger.valueOf(lo + b), BigInteger.valueOf(hi + b));
                }
            }
            BigInteger e = BigInteger.valueOf(upper[groups[i]] - lower[groups[i]]);
            for (int d = 0; d < product.length; d++) {
                h[d] = h[d].add(product[d].multiply(e));
            }
        }
        return h;
    }

    /** p(y)·(alpha + beta·y). */
    private static BigInteger[] timesLinear(BigInteger[] p, BigInteger alpha, BigInteger beta) {
        BigInteger[] r = new BigInteger[p.length + 1];
        java.util.Arrays.fill(r, BigInteger.ZERO);
        for (int d = 0; d < p.length; d++) {
            r[d] = r[d].add(p[d].multiply(alpha));
            r[d + 1] = r[d + 1].add(p[d].multiply(beta));
        }
        return r;
    }

    /** Sign changes along the non-zero coefficients. */
    private static int signChanges(BigInteger[] coefficients) {
        int changes = 0;
        int last = 0;
        for (BigInteger c : coefficients) {
            int sign = c.signum();
            if (sign != 0) {
                changes += last != 0 && sign != last ? 1 : 0;
                last = sign;
            }
        }
        return changes;
    }
}
