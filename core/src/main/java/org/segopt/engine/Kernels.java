package org.segopt.engine;

import org.segopt.BitMask;
import org.segopt.Marginal;

/**
 * The passes over voxel data, the only code that touches every voxel. Each voxel has an integer
 * key that orders like m: its vote count for vote-type marginals, its IEEE bit pattern for floats
 * (with −0.0 read as 0). Implementations (scalar, SIMD, GPU) must produce identical integers: every
 * accumulator is an integer, so the results do not depend on summation order.
 */
interface Kernels {

    /** Bins per histogram table: one per 16-bit digit. */
    int DIGITS = PassBackend.DIGITS;

    /**
     * Adds the vote counts of voxels [from, to) to {@code hist} (index = votes, length R + 1).
     *
     * @return the index of the first invalid voxel in the range, or −1
     */
    long countVotes(Marginal m, long from, long to, long[] hist);

    /**
     * The top-level float histogram of voxels [from, to): bin = top 16 key bits; per bin the count
     * and the sum of the remaining key bits, split as (bits >>> 24) into {@code sumHigh} and
     * (bits & 0xFFFFFF) into {@code sumLow} so that neither can overflow.
     *
     * @return the index of the first invalid voxel in the range, or −1
     */
    long countFloats(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges);

    /**
     * Refines chosen bins of a float histogram over voxels [from, to): a voxel whose key satisfies
     * {@code key >>> shifts[j] == prefixes[j]} (j < k) is counted in table j (offset {@code j * DIGITS}) at
     * digit {@code (key >>> (shifts[j] − 16)) & 0xFFFF}, with the key bits below that digit summed
     * as in {@link #countFloats}, and its bit set in {@code occupied} (see
     * {@link PassBackend#refineFloats}). The bins are disjoint, so a voxel lands in at most one table.
     * Values are known to be valid (the top-level pass checked them); blocks that {@code ranges}
     * proves hold none of the bins may be skipped.
     */
    void refineFloats(Marginal m, long from, long to, int[] shifts, long[] prefixes, int k,
                      long[] counts, long[] sumHigh, long[] sumLow, long[] occupied, BlockRanges ranges);

    /**
     * {@link #countFloats} and then {@link #refineFloats} of the same voxels (see
     * {@link PassBackend#countAndRefineFloats}); this default sweeps the range twice.
     */
    default long countAndRefineFloats(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow,
                                      BlockRanges ranges, int[] shifts, long[] prefixes, int k, long[] refineCounts,
                                      long[] refineHigh, long[] refineLow, long[] occupied) {
        long bad = countFloats(m, from, to, counts, sumHigh, sumLow, ranges);
        if (bad < 0 && k > 0) {
            refineFloats(m, from, to, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied, ranges);
        }
        return bad;
    }

    /**
     * Adds the float voxels [from, to) to {@code summary} (see {@link LevelSummary}): their exact
     * mass, the volume and mass at and above each cut, the keys inside each bracket.
     *
     * @return the index of the first invalid voxel in the range, or −1 (the summary then holds
     *         partial results)
     */
    long summarize(Marginal m, long from, long to, LevelSummary summary);

    /**
     * Writes the selection {@code key > level, or key == level for the first quota such voxels of
     * the range} (lowest index first) for voxels [from, to) into {@code out}; {@code from} is a
     * multiple of 64 and so is {@code to} unless it is n, so chunks own whole words.
     */
    void select(Marginal m, long from, long to, long level, long quota, BitMask out);
}
