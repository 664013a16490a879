package org.segopt.engine;

import org.segopt.Marginal;

/**
 * Fills a {@link LevelTable} from the data: the first pass (votes or top-level float bins) and
 * the refinement passes. Owns its work tables and leaves them zeroed after each use, so one
 * instance serves call after call without allocating; not thread-safe.
 */
final class Histogrammer {
    private final PassBackend passes;
    private final long[] counts = new long[PassBackend.DIGITS];
    private final long[] sumHigh = new long[PassBackend.DIGITS];
    private final long[] sumLow = new long[PassBackend.DIGITS];
    private final BlockRanges ranges = new BlockRanges();
    private long[] refineCounts = new long[0];
    private long[] refineHigh = new long[0];
    private long[] refineLow = new long[0];
    private long[] refineOccupied = new long[0];
    private final int[] shifts = new int[LevelTable.MAX_REFINED_PER_PASS];
    private final long[] prefixes = new long[LevelTable.MAX_REFINED_PER_PASS];

    Histogrammer(PassBackend passes) {
        this.passes = passes;
    }

    /**
     * The first pass: loads {@code table} with the histogram of m.
     *
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value the encoding forbids
     */
    void histogram(Marginal m, LevelTable table) {
        if (m.encoding().isVoteType()) {
            long bad = passes.countVotes(m, counts, m.raters() + 1);
            if (bad >= 0) {
                clear(counts, m.raters() + 1);
                throw Validation.invalid(m, bad);
            }
            table.loadVotes(m, counts);
            clear(counts, m.raters() + 1);
            return;
        }
        long bad = passes.countFloats(m, counts, sumHigh, sumLow, ranges);
        if (bad >= 0) {
            clear(counts, counts.length);
            clear(sumHigh, sumHigh.length);
            clear(sumLow, sumLow.length);
            throw Validation.invalid(m, bad);
        }
        table.loadFloats(m, counts, sumHigh, sumLow);
    }

    /**
     * One refinement pass over levels {@code indices[0..k)} (ascending) of {@code table}, reading
     * only the blocks the last {@link #histogram} pass found may hold them.
     */
    void refine(Marginal m, LevelTable table, int[] indices, int k) {
        int entries = k * PassBackend.DIGITS;
        if (refineCounts.length < entries) {
            refineCounts = new long[entries];
            refineHigh = new long[entries];
            refineLow = new long[entries];
            refineOccupied = new long[entries / 64];
        }
        for (int j = 0; j < k; j++) {
            shifts[j] = table.shift(indices[j]);
            prefixes[j] = table.prefix(indices[j]);
        }
        passes.refineFloats(m, shifts, prefixes, k, refineCounts, refineHigh, refineLow, refineOccupied, ranges);
        table.refine(indices, k, refineCounts, refineHigh, refineLow, refineOccupied);
    }

    private static void clear(long[] a, int n) {
        java.util.Arrays.fill(a, 0, n, 0);
    }
}
