package org.segopt.engine;

import java.util.Arrays;

/**
 * The tables a top-level float pass fills: for each bin of the top 16 key bits, the count of its
 * voxels and the sum of their remaining key bits, split as (rest >>> 24) into {@link #sumHigh()}
 * and (rest & 0xFFFFFF) into {@link #sumLow()} so that neither can overflow; and the key bounds
 * of each block ({@link #ranges()}), which let a later refinement skip blocks. Histograms of
 * disjoint voxel ranges {@linkplain #addTo add} exactly. Mutable and reusable; not thread-safe.
 */
public final class FloatHistogram {
    /** Bins per table: one per 16-bit digit. */
    public static final int DIGITS = 1 << 16;

    private final long[] counts = new long[DIGITS];
    private final long[] sumHigh = new long[DIGITS];
    private final long[] sumLow = new long[DIGITS];
    private final BlockRanges ranges = new BlockRanges();

    /** Voxels per bin. */
    public long[] counts() {
        return counts;
    }

    /** Per bin, the sum of the remaining key bits above the low 24. */
    public long[] sumHigh() {
        return sumHigh;
    }

    /** Per bin, the sum of the low 24 remaining key bits. */
    public long[] sumLow() {
        return sumLow;
    }

    /** Key bounds per block, recorded by the pass that filled the bins (if it records them). */
    public BlockRanges ranges() {
        return ranges;
    }

    /** Adds bins [0, bins) to {@code into} and zeroes them here. */
    public void addTo(FloatHistogram into, int bins) {
        for (int b = 0; b < bins; b++) {
            into.counts[b] += counts[b];
            into.sumHigh[b] += sumHigh[b];
            into.sumLow[b] += sumLow[b];
        }
        clear(bins);
    }

    /** Zeroes bins [0, bins). */
    public void clear(int bins) {
        Arrays.fill(counts, 0, bins, 0);
        Arrays.fill(sumHigh, 0, bins, 0);
        Arrays.fill(sumLow, 0, bins, 0);
    }
}
