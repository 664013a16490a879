package org.segopt.engine;

import java.math.BigInteger;
import org.segopt.Fraction;
import org.segopt.Metric;

/**
 * A metric of the Tversky family in the two forms the {@link Solver} evaluates it in. With
 * c = 1 − α − β, the segmentation of volume K whose mass is S, against total mass M, scores
 * <pre>  TI = S / (c·S + α·K + β·M)</pre>
 * (TP = S, FP = K − S, FN = M − S), which is 2S / (K + M) for Dice. Exactly, with S = s/d and
 * M = m/d over a common denominator d, TI = P / Q with P = W·s and Q = C·s + A·K·d + B·m for the
 * integers below (reduced by their gcd: for Dice W = 2, C = 0, A = B = 1), and its threshold
 * τ = TI·α / (1 − TI·c) is P·A / (Q·W − P·C).
 *
 * <p>In doubles, the score of a boundary has relative error at most {@link #scoreError} times the
 * Dice bound, and the threshold derived from it at most {@link #thresholdError} times that
 * (both 1 for Dice), so the solver's filters widen by those factors (see {@link Solver}).
 */
final class Weights {
    static final Weights DICE = new Weights(Metric.DICE);

    final Metric metric;
    /** α, β and c = 1 − α − β as doubles. */
    final double alpha;
    final double beta;
    final double c;
    /** The exact integer weights W, C, A, B (see the class comment). */
    final BigInteger w;
    final BigInteger cw;
    final BigInteger aw;
    final BigInteger bw;
    /**
     * max(1, 2(α + β) − 1): with c < 0 the denominator c·S + α·K + β·M is a difference, whose
     * terms add up to at most this many times its value (S ≤ min(K, M)).
     */
    final double scoreError;
    /**
     * (1 + |c|) / min(1, α + β): τ = λα / (1 − λc) amplifies a relative error of λ by
     * 1 / (1 − λc) ≤ 1 / min(1, α + β), and rounds 1 − λc with terms of size up to 1 + |c|.
     */
    final double thresholdError;

    Weights(Metric metric) {
        this.metric = metric;
        Fraction a = metric.alpha();
        Fraction b = metric.beta();
        BigInteger scale = a.denominator().multiply(b.denominator());
        BigInteger aw0 = a.numerator().multiply(b.denominator());
        BigInteger bw0 = b.numerator().multiply(a.denominator());
        BigInteger cw0 = scale.subtract(aw0).subtract(bw0);
        BigInteger g = scale.gcd(cw0).gcd(aw0).gcd(bw0);
        w = scale.divide(g);
        cw = cw0.divide(g);
        aw = aw0.divide(g);
        bw = bw0.divide(g);
        alpha = a.doubleValue();
        beta = b.doubleValue();
        c = cw.signum() * Fraction.of(cw.abs(), w).doubleValue(); // fractions are non-negative
        scoreError = Math.max(1, 2 * (alpha + beta) - 1);
        thresholdError = (1 + Math.abs(c)) / Math.min(1, alpha + beta);
    }

    /** The weights of {@code metric}; the shared instance for Dice. */
    static Weights of(Metric metric) {
        return isDice(metric) ? DICE : new Weights(metric);
    }

    /** Whether {@code metric} is Dice (α = β = ½), whatever its name. */
    static boolean isDice(Metric metric) {
        return metric.alpha().equals(Fraction.HALF) && metric.beta().equals(Fraction.HALF);
    }

    /** TI of a boundary of volume k and mass s against mass m, in doubles. */
    double score(double s, long k, double m) {
        return s / (c * s + alpha * k + beta * m);
    }

    /** τ = λα / (1 − λc), in doubles (λ/2 for Dice, exactly). */
    double threshold(double sup) {
        return sup * alpha / (1 - sup * c);
    }
}
