package org.segopt.engine;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.segopt.Encoding;
import org.segopt.Fraction;
import org.segopt.Marginal;

/**
 * The exact histogram of m as levels in descending order of value, with a common denominator:
 * R for vote-type marginals (level c has value c / R), 2^U for floats (every float in the data is
 * an integer multiple of 2^−U). Vote levels are exact from the first pass; float levels start as
 * the 16-bit-prefix bins of the IEEE bit patterns and are refined 16 bits at a time on request.
 */
final class LevelTable {
    /** At most this many levels are refined in one pass (each needs three tables of 2^16 longs). */
    static final int MAX_REFINED_PER_PASS = 8;

    final Marginal marginal;
    /** Null for vote-type marginals. */
    final FloatFormat format;
    final BigInteger denominator;
    /** Float values are multiples of 2^−unit; 0 for votes. */
    final int unit;
    final List<Level> levels;
    /** Σ m as a numerator over {@link #denominator}. */
    final BigInteger mass;

    private LevelTable(Marginal marginal, FloatFormat format, BigInteger denominator, int unit, List<Level> levels) {
        this.marginal = marginal;
        this.format = format;
        this.denominator = denominator;
        this.unit = unit;
        this.levels = List.copyOf(levels);
        this.mass = levels.stream().map(Level::sum).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /**
     * One pass over the data: the vote histogram, or the top-level float histogram.
     *
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value the encoding forbids
     */
    static LevelTable histogram(Marginal m, Passes passes) {
        if (m.encoding().isVoteType()) {
            long[] hist = new long[m.raters() + 1];
            long bad = passes.countVotes(m, hist);
            if (bad >= 0) {
                throw Validation.invalid(m, bad);
            }
            List<Level> levels = new ArrayList<>();
            for (int c = m.raters(); c >= 0; c--) {
                if (hist[c] > 0) {
                    BigInteger value = BigInteger.valueOf(c);
                    levels.add(new Level(hist[c], value.multiply(BigInteger.valueOf(hist[c])), value, value, 0, c));
                }
            }
            return new LevelTable(m, null, BigInteger.valueOf(m.raters()), 0, levels);
        }
        FloatFormat f = m.encoding() == Encoding.FLOAT32 ? FloatFormat.F32 : FloatFormat.F64;
        long[] counts = new long[Kernels.DIGITS];
        long[] sumHigh = new long[Kernels.DIGITS];
        long[] sumLow = new long[Kernels.DIGITS];
        long bad = passes.countFloats(m, counts, sumHigh, sumLow);
        if (bad >= 0) {
            throw Validation.invalid(m, bad);
        }
        int unit = 0;
        for (int p = 0; p < counts.length; p++) {
            if (counts[p] > 0) {
                unit = Math.max(unit, -f.exponent((long) p << (f.width - 16)));
            }
        }
        List<Level> levels = new ArrayList<>();
        for (int p = counts.length - 1; p >= 0; p--) {
            if (counts[p] > 0) {
                levels.add(bin(f, unit, 1, p, counts[p], sumHigh[p], sumLow[p]));
            }
        }
        return new LevelTable(m, f, BigInteger.ONE.shiftLeft(unit), unit, levels);
    }

    /** The level of a float bin at {@code depth} (16·depth key bits known) from its histogram sums. */
    private static Level bin(FloatFormat f, int unit, int depth, long prefix, long count, long sumHigh, long sumLow) {
        int rest = f.width - 16 * depth;
        long keyLo = prefix << rest;
        long keyHi = Math.min(keyLo + ((1L << rest) - 1), f.maxKey);
        int shift = f.exponent(keyLo) + unit;
        BigInteger sum = BigInteger.valueOf(count).multiply(BigInteger.valueOf(f.significand(keyLo)))
                .add(BigInteger.valueOf(sumHigh).shiftLeft(24)).add(BigInteger.valueOf(sumLow)).shiftLeft(shift);
        BigInteger lo = BigInteger.valueOf(f.significand(keyLo)).shiftLeft(shift);
        BigInteger hi = BigInteger.valueOf(f.significand(keyHi)).shiftLeft(shift);
        return Level.of(count, sum, lo, hi, depth, prefix);
    }

    /**
     * One more pass over the data: replaces the levels at {@code indices} (inexact float levels, at
     * most {@link #MAX_REFINED_PER_PASS}) by their sub-bins on the next 16 key bits.
     */
    LevelTable refine(List<Integer> indices, Passes passes) {
        int k = indices.size();
        int[] shifts = new int[k];
        long[] prefixes = new long[k];
        for (int j = 0; j < k; j++) {
            Level level = levels.get(indices.get(j));
            shifts[j] = format.width - 16 * level.depth();
            prefixes[j] = level.prefix();
        }
        long[] counts = new long[k * Kernels.DIGITS];
        long[] sumHigh = new long[k * Kernels.DIGITS];
        long[] sumLow = new long[k * Kernels.DIGITS];
        passes.refineFloats(marginal, shifts, prefixes, counts, sumHigh, sumLow);
        List<Level> refined = new ArrayList<>(levels.size() + k * 16);
        int next = 0;
        for (int i = 0; i < levels.size(); i++) {
            int j = next < k && indices.get(next) == i ? next++ : -1;
            if (j < 0) {
                refined.add(levels.get(i));
                continue;
            }
            Level parent = levels.get(i);
            for (int digit = Kernels.DIGITS - 1; digit >= 0; digit--) {
                int b = j * Kernels.DIGITS + digit;
                if (counts[b] > 0) {
                    refined.add(bin(format, unit, parent.depth() + 1, (parent.prefix() << 16) | digit,
                            counts[b], sumHigh[b], sumLow[b]));
                }
            }
        }
        return new LevelTable(marginal, format, denominator, unit, refined);
    }

    /** The exact value of a numerator over this table's denominator. */
    Fraction value(BigInteger numerator) {
        return Fraction.of(numerator, denominator);
    }
}
