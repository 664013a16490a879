package org.segopt.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact result of one {@link PartPass} over some voxels, kept sparse: for each table entry a
 * voxel reached (a vote count, a top-level bin, or a digit of a refined bin), the number of voxels
 * and the sums of their remaining key bits split as in {@link FloatHistogram}. Results of
 * disjoint voxel sets {@linkplain #merge merge} by adding entry-wise, in integers: the merge is
 * associative and commutative and has {@link #EMPTY} as its identity (a commutative monoid), so
 * parts may be combined in any grouping and order, on any machine, with the same result.
 * Immutable; small enough to send between machines (only the entries reached are stored).
 */
public final class PartCounts implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No voxels. */
    public static final PartCounts EMPTY = new PartCounts(new int[0], new long[0], new long[0], new long[0]);

    /** Table entries, ascending. */
    private final int[] entries;
    private final long[] counts;
    private final long[] sumHigh;
    private final long[] sumLow;

    private PartCounts(int[] entries, long[] counts, long[] sumHigh, long[] sumLow) {
        this.entries = entries;
        this.counts = counts;
        this.sumHigh = sumHigh;
        this.sumLow = sumLow;
    }

    /** The non-empty entries of dense tables [0, length), their counts taken at {@code scale}·index. */
    static PartCounts ofTables(long[] counts, long[] sumHigh, long[] sumLow, int length, int scale) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (counts[i] != 0) {
                n++;
            }
        }
        PartCounts p = new PartCounts(new int[n], new long[n], new long[n], new long[n]);
        int k = 0;
        for (int i = 0; i < length; i++) {
            if (counts[i] != 0) {
                p.entries[k] = Math.multiplyExact(i, scale);
                p.counts[k] = counts[i];
                p.sumHigh[k] = sumHigh == null ? 0 : sumHigh[i];
                p.sumLow[k++] = sumLow == null ? 0 : sumLow[i];
            }
        }
        return p;
    }

    /** The entries of the refinement tables whose occupancy bit is set and count is not zero. */
    static PartCounts ofRefinement(Refinement r) {
        int words = r.bins() * FloatHistogram.DIGITS / 64;
        long[] occupied = r.occupied();
        int n = 0;
        for (int w = 0; w < words; w++) {
            n += Long.bitCount(occupied[w]);
        }
        int[] entries = new int[n];
        long[] counts = new long[n];
        long[] high = new long[n];
        long[] low = new long[n];
        int k = 0;
        for (int w = 0; w < words; w++) {
            for (long bits = occupied[w]; bits != 0; bits &= bits - 1) {
                int i = w * 64 + Long.numberOfTrailingZeros(bits);
                if (r.counts()[i] != 0) {
                    entries[k] = i;
                    counts[k] = r.counts()[i];
                    high[k] = r.sumHigh()[i];
                    low[k++] = r.sumLow()[i];
                }
            }
        }
        return new PartCounts(Arrays.copyOf(entries, k), Arrays.copyOf(counts, k), Arrays.copyOf(high, k),
                Arrays.copyOf(low, k));
    }

    /** The same counts at entries {@code factor} times as large: votes of R counted as votes of factor · R. */
    public PartCounts scaled(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be positive, got " + factor);
        }
        int[] e = new int[entries.length];
        for (int k = 0; k < e.length; k++) {
            e[k] = Math.multiplyExact(entries[k], factor);
        }
        return new PartCounts(e, counts, sumHigh, sumLow);
    }

    /** The entry-wise sum of this and {@code other} (exact; neither is changed). */
    public PartCounts merge(PartCounts other) {
        if (other.entries.length == 0) {
            return this;
        }
        if (entries.length == 0) {
            return other;
        }
        int n = entries.length + other.entries.length;
        int[] e = new int[n];
        long[] c = new long[n];
        long[] h = new long[n];
        long[] l = new long[n];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < entries.length || j < other.entries.length) {
            int a = i < entries.length ? entries[i] : Integer.MAX_VALUE;
            int b = j < other.entries.length ? other.entries[j] : Integer.MAX_VALUE;
            e[k] = Math.min(a, b);
            if (a <= b) {
                c[k] += counts[i];
                h[k] += sumHigh[i];
                l[k] += sumLow[i++];
            }
            if (b <= a) {
                c[k] = Math.addExact(c[k], other.counts[j]);
                h[k] = Math.addExact(h[k], other.sumHigh[j]);
                l[k] = Math.addExact(l[k], other.sumLow[j++]);
            }
            k++;
        }
        return new PartCounts(Arrays.copyOf(e, k), Arrays.copyOf(c, k), Arrays.copyOf(h, k), Arrays.copyOf(l, k));
    }

    /** Voxels counted, over every entry. */
    public long voxels() {
        long n = 0;
        for (long c : counts) {
            n = Math.addExact(n, c);
        }
        return n;
    }

    /** Entries stored. */
    public int size() {
        return entries.length;
    }

    /** Adds the counts into {@code hist} (index = entry). */
    void addTo(long[] hist) {
        for (int k = 0; k < entries.length; k++) {
            hist[entries[k]] += counts[k];
        }
    }

    /** Adds the counts and sums into the tables of {@code top}. */
    void addTo(FloatHistogram top) {
        for (int k = 0; k < entries.length; k++) {
            top.counts()[entries[k]] += counts[k];
            top.sumHigh()[entries[k]] += sumHigh[k];
            top.sumLow()[entries[k]] += sumLow[k];
        }
    }

    /** Adds the counts and sums into the tables of {@code r}, setting their occupancy bits. */
    void addTo(Refinement r) {
        for (int k = 0; k < entries.length; k++) {
            int i = entries[k];
            r.counts()[i] += counts[k];
            r.sumHigh()[i] += sumHigh[k];
            r.sumLow()[i] += sumLow[k];
            r.occupied()[i >>> 6] |= 1L << i;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartCounts p && Arrays.equals(entries, p.entries) && Arrays.equals(counts, p.counts)
                && Arrays.equals(sumHigh, p.sumHigh) && Arrays.equals(sumLow, p.sumLow);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(entries) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "PartCounts[" + entries.length + " entries, " + voxels() + " voxels]";
    }
}
