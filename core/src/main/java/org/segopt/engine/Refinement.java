package org.segopt.engine;

import java.util.Arrays;

/**
 * What a refinement pass counts and the tables it fills. Bin j is the set of keys with
 * {@code key >>> shift(j) == prefix(j)}; a voxel in it is counted in table j (entries
 * {@code j · DIGITS ..}) at digit {@code (key >>> (shift(j) − 16)) & 0xFFFF}, with the key bits
 * below that digit summed as in {@link FloatHistogram}, and bit {@code j · DIGITS + digit} of
 * {@link #occupied()} set, so that nobody need scan the tables (setting more bits is allowed).
 * The bins are disjoint. Refinements of disjoint voxel ranges {@linkplain #addTo add} exactly.
 * Mutable and reusable: the tables grow to the most bins asked for and are left zeroed by
 * whoever reads them; not thread-safe.
 */
public final class Refinement {
    /** The most bins one pass refines (each needs three tables of 2^16 longs). */
    public static final int MAX_BINS = 8;
    static final int DIGITS = FloatHistogram.DIGITS;

    private final int[] shifts = new int[MAX_BINS];
    private final long[] prefixes = new long[MAX_BINS];
    private int bins;
    private long[] counts = new long[0];
    private long[] sumHigh = new long[0];
    private long[] sumLow = new long[0];
    private long[] occupied = new long[0];

    /** Removes every bin (the tables stay as they are). */
    public void clearBins() {
        bins = 0;
    }

    /** Adds bin {@code bins()}: the keys with {@code key >>> shift == prefix}, shift ≥ 16. */
    public void addBin(int shift, long prefix) {
        if (bins == MAX_BINS) {
            throw new IllegalStateException("at most " + MAX_BINS + " bins per refinement");
        }
        shifts[bins] = shift;
        prefixes[bins++] = prefix;
        int entries = bins * DIGITS;
        if (counts.length < entries) {
            counts = Arrays.copyOf(counts, entries);
            sumHigh = Arrays.copyOf(sumHigh, entries);
            sumLow = Arrays.copyOf(sumLow, entries);
            occupied = Arrays.copyOf(occupied, entries / 64);
        }
    }

    /** Copies {@code other}'s bins (not its tables). */
    public void setBins(Refinement other) {
        clearBins();
        for (int j = 0; j < other.bins; j++) {
            addBin(other.shifts[j], other.prefixes[j]);
        }
    }

    /** How many bins. */
    public int bins() {
        return bins;
    }

    public int shift(int j) {
        return shifts[j];
    }

    public long prefix(int j) {
        return prefixes[j];
    }

    /** The shifts of bins [0, bins()), for kernels. */
    public int[] shifts() {
        return shifts;
    }

    /** The prefixes of bins [0, bins()), for kernels. */
    public long[] prefixes() {
        return prefixes;
    }

    /** Voxels per digit, table j at offset j · 2^16. */
    public long[] counts() {
        return counts;
    }

    public long[] sumHigh() {
        return sumHigh;
    }

    public long[] sumLow() {
        return sumLow;
    }

    /** One bit per digit of every table: set where the digit may have counted a voxel. */
    public long[] occupied() {
        return occupied;
    }

    /**
     * Adds the tables of the first {@code into.bins()} bins to {@code into}'s (same bins) and
     * zeroes them here: only the digits whose occupancy bit is set, a few thousand at most.
     */
    public void addTo(Refinement into) {
        for (int w = 0; w < into.bins * DIGITS / 64; w++) {
            long bits = occupied[w];
            if (bits == 0) {
                continue;
            }
            into.occupied[w] |= bits;
            occupied[w] = 0;
            for (; bits != 0; bits &= bits - 1) {
                int i = w * 64 + Long.numberOfTrailingZeros(bits);
                into.counts[i] += counts[i];
                into.sumHigh[i] += sumHigh[i];
                into.sumLow[i] += sumLow[i];
                counts[i] = 0;
                sumHigh[i] = 0;
                sumLow[i] = 0;
            }
        }
    }

    /** Zeroes table j, reading its occupancy bits (not its 2^16 entries). */
    public void clearTable(int j) {
        int words = DIGITS / 64;
        for (int w = j * words; w < (j + 1) * words; w++) {
            for (long bits = occupied[w]; bits != 0; bits &= bits - 1) {
                int b = w * 64 + Long.numberOfTrailingZeros(bits);
                counts[b] = 0;
                sumHigh[b] = 0;
                sumLow[b] = 0;
            }
            occupied[w] = 0;
        }
    }
}
