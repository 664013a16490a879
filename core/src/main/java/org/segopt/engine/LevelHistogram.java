package org.segopt.engine;

import java.math.BigInteger;
import java.util.Arrays;
import org.segopt.Fraction;

/**
 * The exact histogram of one marginal at some resolution, as levels in descending order of value:
 * level i holds {@link #count(int)} voxels with values in [{@link #lo(int)}, {@link #hi(int)}] and
 * their exact mass Σ m. A level is {@linkplain #exact(int) exact} when lo = hi: one data value.
 * Vote-type and 16-bit float marginals are exact from the first pass; float32 and float64 levels
 * are bins of the top 16 bits of the IEEE pattern, which {@link Engine#refine} splits 16 bits at a
 * time. The bounds of a bin that is not exact are the bin's ends, not necessarily data values.
 *
 * <p>Immutable. Histograms of disjoint voxel sets of one encoding {@linkplain #merge merge}
 * exactly (a distributed job histograms its partitions apart).
 */
public final class LevelHistogram {
    /** Null for vote-type marginals (key = vote count, value = key / raters). */
    private final FloatFormat format;
    private final int raters;
    /** Masses are numerators over 2^unit (floats) or raters (votes). */
    private final int unit;
    private final long voxels;
    private final long[] count;
    private final long[] keyLo;
    private final long[] keyHi;
    /** 0 for one key per level (votes, 16-bit floats); d for a bin of the top 16·d key bits. */
    private final int[] depth;
    private final BigInteger[] mass;

    LevelHistogram(FloatFormat format, int raters, int unit, long[] count, long[] keyLo, long[] keyHi, int[] depth,
                   BigInteger[] mass) {
        this.format = format;
        this.raters = raters;
        this.unit = unit;
        this.count = count;
        this.keyLo = keyLo;
        this.keyHi = keyHi;
        this.depth = depth;
        this.mass = mass;
        this.voxels = Arrays.stream(count).sum();
    }

    /**
     * The histogram of a vote-type marginal of {@code raters} raters that is 0 on all
     * {@code voxels} (no rater voted), built without data: what {@link Engine#levels} gives for it.
     */
    public static LevelHistogram zeros(long voxels, int raters) {
        Builder b = new Builder(1);
        b.add(voxels, 0, 0, 0, BigInteger.ZERO);
        return b.build(null, raters, 0);
    }

    /** How many levels. */
    public int size() {
        return count.length;
    }

    /** Voxels in all levels. */
    public long voxels() {
        return voxels;
    }

    /** Voxels in level i. */
    public long count(int i) {
        return count[i];
    }

    /** Whether level i holds one value. */
    public boolean exact(int i) {
        return keyLo[i] == keyHi[i];
    }

    /** Whether levels of this histogram can be refined (float32 / float64 bins). */
    public boolean refinable(int i) {
        return !exact(i) && depth[i] >= 1 && format.width - 16 * depth[i] >= 16;
    }

    /** The least value level i may hold (its value when exact). */
    public Fraction lo(int i) {
        return value(keyLo[i]);
    }

    /** The greatest value level i may hold. */
    public Fraction hi(int i) {
        return value(keyHi[i]);
    }

    /**
     * {@link #lo(int)} correctly rounded to a double (exact for float encodings, whose values are
     * all doubles): where two such doubles differ, the exact values order the same way.
     */
    public double approximateLo(int i) {
        return approximate(keyLo[i]);
    }

    /** {@link #hi(int)} correctly rounded to a double (see {@link #approximateLo}). */
    public double approximateHi(int i) {
        return approximate(keyHi[i]);
    }

    /** Whether every value is a dyadic rational, so that {@link #approximateLo} and {@link #approximateHi} are exact. */
    public boolean dyadic() {
        return format != null || Integer.bitCount(raters) == 1;
    }

    /** The common denominator of the mass numerators: 2^unit for floats, R for votes. */
    public BigInteger denominator() {
        return format == null ? BigInteger.valueOf(raters) : BigInteger.ONE.shiftLeft(unit);
    }

    /** Σ m over level i, over {@link #denominator()}. */
    public BigInteger massNumerator(int i) {
        return mass[i];
    }

    /** Σ m over level i. */
    public Fraction mass(int i) {
        return Fraction.of(mass[i], denominator());
    }

    /**
     * The histogram of both voxel sets (disjoint, of one encoding): levels of the same bin add up,
     * the others are kept. The levels of the two must be the same bins or disjoint ones
     * (histograms of one first pass, refined alike or not at all where they overlap).
     *
     * @throws IllegalArgumentException if the encodings differ or two levels overlap without being one bin
     */
    public LevelHistogram merge(LevelHistogram other) {
        if (format != other.format || raters != other.raters) {
            throw new IllegalArgumentException("histograms of different encodings do not merge");
        }
        int u = Math.max(unit, other.unit);
        int a = 0;
        int b = 0;
        Builder out = new Builder(size() + other.size());
        while (a < size() || b < other.size()) {
            boolean takeA = b == other.size() || a < size() && binFirst(a) > other.binLast(b);
            boolean takeB = a == size() || b < other.size() && other.binFirst(b) > binLast(a);
            if (takeA) {
                out.add(count[a], keyLo[a], keyHi[a], depth[a], mass[a].shiftLeft(shift(u)));
                a++;
            } else if (takeB) {
                out.add(other.count[b], other.keyLo[b], other.keyHi[b], other.depth[b], other.mass[b].shiftLeft(other.shift(u)));
                b++;
            } else if (depth[a] == other.depth[b] && bin(a) == other.bin(b)) {
                out.add(count[a] + other.count[b], Math.min(keyLo[a], other.keyLo[b]), Math.max(keyHi[a], other.keyHi[b]),
                        depth[a], mass[a].shiftLeft(shift(u)).add(other.mass[b].shiftLeft(other.shift(u))));
                a++;
                b++;
            } else {
                throw new IllegalArgumentException("levels " + lo(a) + ".." + hi(a) + " and " + other.lo(b) + ".."
                        + other.hi(b) + " overlap without being one bin");
            }
        }
        return out.build(format, raters, u);
    }

    /** The factor 2^shift(u) that brings this histogram's numerators to the denominator 2^u (votes: 0). */
    private int shift(int u) {
        return format == null ? 0 : u - unit;
    }

    /** The first key of level i's bin (its key when of depth 0). */
    private long binFirst(int i) {
        return depth[i] == 0 ? keyLo[i] : bin(i) << refineShift(i);
    }

    /** The last key of level i's bin. */
    private long binLast(int i) {
        return depth[i] == 0 ? keyLo[i] : binFirst(i) + ((1L << refineShift(i)) - 1);
    }

    /** The bin of level i: its key, or its key prefix at its depth. */
    private long bin(int i) {
        return depth[i] == 0 ? keyLo[i] : keyLo[i] >>> (format.width - 16 * depth[i]);
    }

    int depth(int i) {
        return depth[i];
    }

    long keyLo(int i) {
        return keyLo[i];
    }

    long keyHi(int i) {
        return keyHi[i];
    }

    /** The shift that exposes level i's bin prefix: {@code key >>> refineShift(i) == prefix} (see {@link Refinement}). */
    int refineShift(int i) {
        return format.width - 16 * depth[i];
    }

    FloatFormat format() {
        return format;
    }

    int raters() {
        return raters;
    }

    int unit() {
        return unit;
    }

    private Fraction value(long key) {
        return format == null ? Fraction.of(key, raters) : format.value(key);
    }

    private double approximate(long key) {
        return format == null ? key / (double) raters : format.approximate(key);
    }

    /** Collects levels in descending order. */
    static final class Builder {
        private long[] count;
        private long[] keyLo;
        private long[] keyHi;
        private int[] depth;
        private BigInteger[] mass;
        private int size;

        Builder(int capacity) {
            count = new long[capacity];
            keyLo = new long[capacity];
            keyHi = new long[capacity];
            depth = new int[capacity];
            mass = new BigInteger[capacity];
        }

        void add(long n, long lo, long hi, int d, BigInteger m) {
            if (size == count.length) {
                int c = Math.max(16, 2 * size);
                count = Arrays.copyOf(count, c);
                keyLo = Arrays.copyOf(keyLo, c);
                keyHi = Arrays.copyOf(keyHi, c);
                depth = Arrays.copyOf(depth, c);
                mass = Arrays.copyOf(mass, c);
            }
            count[size] = n;
            keyLo[size] = lo;
            keyHi[size] = hi;
            depth[size] = d;
            mass[size++] = m;
        }

        LevelHistogram build(FloatFormat format, int raters, int unit) {
            return new LevelHistogram(format, raters, unit, Arrays.copyOf(count, size), Arrays.copyOf(keyLo, size),
                    Arrays.copyOf(keyHi, size), Arrays.copyOf(depth, size), Arrays.copyOf(mass, size));
        }
    }
}
