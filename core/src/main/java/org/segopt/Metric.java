package org.segopt;

import java.math.BigDecimal;
import java.io.Serializable;
import java.math.BigInteger;
import org.segopt.io.DecimalSyntax;

/**
 * A metric of the Tversky family, scored against the soft truth m: with TP = Σ s·m,
 * FP = Σ s·(1 − m) and FN = Σ (1 − s)·m,
 * <pre>  TI(s) = TP / (TP + α·FP + β·FN).</pre>
 * Dice is α = β = ½, Jaccard α = β = 1, F<sub>β</sub> is α = 1/(1 + β²), β<sub>T</sub> = β²/(1 + β²).
 * TI is a ratio of linear functions of s, so (Dinkelbach, as for Dice) every optimum is a threshold
 * set, I{m > τ} ⊆ s ⊆ I{m ≥ τ} with τ = λ*·α / (1 − λ*·(1 − α − β)) and λ* = sup TI
 * ({@link #threshold}).
 *
 * <p>Convention (as for Dice): when TP + α·FP + β·FN = 0, that is s and m are both empty, the score
 * is 1.
 *
 * @param name  the name {@link #parse} reads back: {@code dice}, {@code jaccard}, {@code fbeta:B} or
 *              {@code tversky:A,B}
 * @param alpha the weight of false positives, in [10^−6, 10^6]
 * @param beta  the weight of false negatives, in [10^−6, 10^6]
 */
public record Metric(String name, Fraction alpha, Fraction beta) implements Serializable {
    /**
     * The least weight accepted, 10^−6: the engine filters its decisions in double precision with
     * error bounds that grow with extreme weights, which beyond these would make nearly every
     * decision an exact one (or leave the range of doubles).
     */
    public static final Fraction MIN_WEIGHT = Fraction.of(1, 1_000_000);
    /** The greatest weight accepted, 10^6 (see {@link #MIN_WEIGHT}). */
    public static final Fraction MAX_WEIGHT = Fraction.of(1_000_000, 1);

    /** Dice, 2·TP / (2·TP + FP + FN). */
    public static final Metric DICE = new Metric("dice", Fraction.HALF, Fraction.HALF);
    /** Jaccard, TP / (TP + FP + FN): the same optimal segmentations as Dice (J = D / (2 − D)). */
    public static final Metric JACCARD = new Metric("jaccard", Fraction.ONE, Fraction.ONE);

    public Metric {
        if (name == null || alpha == null || beta == null) {
            throw new IllegalArgumentException("a metric needs a name and both weights");
        }
        if (alpha.numerator().signum() == 0 || beta.numerator().signum() == 0) {
            throw new IllegalArgumentException("metric " + name + ": the weights must be positive, not "
                    + alpha + " and " + beta);
        }
        if (!inRange(alpha) || !inRange(beta)) {
            throw new IllegalArgumentException("metric " + name + ": the weights must lie between 1e-6 and 1e6, not "
                    + alpha + " and " + beta);
        }
    }

    private static boolean inRange(Fraction weight) {
        return weight.compareTo(MIN_WEIGHT) >= 0 && weight.compareTo(MAX_WEIGHT) <= 0;
    }

    /** F<sub>β</sub>, the weighted harmonic mean of precision and recall (β > 0; β = 1 is Dice). */
    public static Metric fbeta(Fraction beta) {
        Fraction b2 = times(beta, beta);
        Fraction onePlus = Fraction.of(b2.numerator().add(b2.denominator()), b2.denominator());
        return new Metric("fbeta:" + beta, quotient(Fraction.ONE, onePlus), quotient(b2, onePlus));
    }

    /** The Tversky index with false-positive weight α and false-negative weight β (both positive). */
    public static Metric tversky(Fraction alpha, Fraction beta) {
        return new Metric("tversky:" + alpha + "," + beta, alpha, beta);
    }

    /**
     * The metric named {@code text}: {@code dice}, {@code jaccard}, {@code fbeta:B} or
     * {@code tversky:A,B}, with B and A positive plain decimals ({@code 2}, {@code 0.5},
     * {@code 1e-1}) or fractions ({@code 3/10}), read exactly.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Metric parse(String text) {
        if (text.equals("dice")) {
            return DICE;
        }
        if (text.equals("jaccard")) {
            return JACCARD;
        }
        if (text.startsWith("fbeta:")) {
            return fbeta(positive(text, text.substring("fbeta:".length())));
        }
        if (text.startsWith("tversky:")) {
            String[] weights = text.substring("tversky:".length()).split(",", -1);
            if (weights.length != 2) {
                throw new IllegalArgumentException("metric '" + text + "': tversky needs two weights, tversky:A,B");
            }
            return tversky(positive(text, weights[0]), positive(text, weights[1]));
        }
        throw new IllegalArgumentException("unknown metric '" + text + "' (dice, jaccard, fbeta:B, tversky:A,B)");
    }

    /** The family the metric belongs to, the key of its JSON object: dice, jaccard, fbeta or tversky. */
    public String family() {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /**
     * TI of a segmentation of {@code volume} voxels whose marginal mass is {@code tp} (TP = Σ s·m),
     * against a marginal of total mass {@code mass} (M = Σ m); 1 when s and m are both empty.
     *
     * @throws IllegalArgumentException when tp exceeds the volume or the mass
     */
    public Fraction score(Fraction tp, long volume, Fraction mass) {
        Fraction k = Fraction.of(volume, 1);
        if (tp.compareTo(k) > 0 || tp.compareTo(mass) > 0) {
            throw new IllegalArgumentException("TP " + tp + " exceeds the volume " + volume + " or the mass " + mass);
        }
        // TP + α·FP + β·FN = TP·(1 − α − β) + α·k + β·M, non-negative since TP ≤ k and TP ≤ M.
        BigInteger d = tp.denominator().multiply(mass.denominator()).multiply(alpha.denominator())
                .multiply(beta.denominator());
        BigInteger tpN = scaled(tp, d);
        BigInteger denominator = tpN.subtract(scaled(times(alpha, tp), d)).subtract(scaled(times(beta, tp), d))
                .add(scaled(times(alpha, k), d)).add(scaled(times(beta, mass), d));
        return denominator.signum() == 0 ? Fraction.ONE : Fraction.of(tpN, denominator);
    }

    /**
     * The threshold of the optimal sets when sup TI = {@code sup}: τ = λ·α / (1 − λ·(1 − α − β))
     * (½·sup for Dice). Every optimum lies between I{m > τ} and I{m ≥ τ}.
     */
    public Fraction threshold(Fraction sup) {
        // 1 − λ(1 − α − β) = 1 − λ + λα + λβ ≥ α + β > 0 for λ ≤ 1.
        Fraction top = times(sup, alpha);
        BigInteger d = sup.denominator().multiply(alpha.denominator()).multiply(beta.denominator());
        BigInteger bottom = d.subtract(scaled(sup, d)).add(scaled(top, d)).add(scaled(times(sup, beta), d));
        return Fraction.of(scaled(top, d), bottom);
    }

    private static Fraction positive(String text, String weight) {
        int slash = weight.indexOf('/');
        if (slash >= 0) {
            String p = weight.substring(0, slash);
            String q = weight.substring(slash + 1);
            if (!p.matches("[0-9]{1,300}") || !q.matches("[0-9]{1,300}") || new BigInteger(p).signum() == 0
                    || new BigInteger(q).signum() == 0) {
                throw new IllegalArgumentException("metric '" + text + "': '" + weight + "' is not a positive fraction p/q");
            }
            return Fraction.of(new BigInteger(p), new BigInteger(q));
        }
        if (!DecimalSyntax.isDecimal(weight) || weight.startsWith("-")) {
            throw new IllegalArgumentException("metric '" + text + "': '" + weight + "' is not a positive decimal");
        }
        BigDecimal exact = new BigDecimal(weight);
        if (exact.signum() <= 0) {
            throw new IllegalArgumentException("metric '" + text + "': the weight must be positive, not " + weight);
        }
        if (Math.abs((long) exact.scale()) > 1000) {
            throw new IllegalArgumentException("metric '" + text + "': '" + weight + "' has too many digits or too large an exponent");
        }
        BigInteger unscaled = exact.unscaledValue();
        return exact.scale() >= 0 ? Fraction.of(unscaled, BigInteger.TEN.pow(exact.scale()))
                : Fraction.of(unscaled.multiply(BigInteger.TEN.pow(-exact.scale())), BigInteger.ONE);
    }

    private static Fraction times(Fraction a, Fraction b) {
        return Fraction.of(a.numerator().multiply(b.numerator()), a.denominator().multiply(b.denominator()));
    }

    private static Fraction quotient(Fraction a, Fraction b) {
        return Fraction.of(a.numerator().multiply(b.denominator()), a.denominator().multiply(b.numerator()));
    }

    /** {@code f·d} as an integer; {@code d} is a multiple of f's denominator. */
    private static BigInteger scaled(Fraction f, BigInteger d) {
        return f.numerator().multiply(d.divide(f.denominator()));
    }
}
