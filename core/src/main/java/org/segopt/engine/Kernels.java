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
     * The top-level float histogram of voxels [from, to) into {@code top}'s bins (see
     * {@link FloatHistogram}), their blocks' bounds into {@code ranges} (shared by the threads of a
     * pass: each writes its own blocks); and, when {@code guesses} holds bins, their refinement of
     * the same voxels (see {@link PassBackend#countFloats}).
     *
     * @return the index of the first invalid voxel in the range, or −1
     */
    long countFloats(Marginal m, long from, long to, FloatHistogram top, BlockRanges ranges, Refinement guesses);

    /**
     * Refines the bins of {@code refinement} over voxels [from, to) (see {@link Refinement}).
     * Values are known to be valid (the top-level pass checked them); blocks that {@code ranges}
     * proves hold none of the bins may be skipped.
     */
    void refineFloats(Marginal m, long from, long to, Refinement refinement, BlockRanges ranges);

    /**
     * Adds the float voxels [from, to) to {@code summary} (see {@link LevelSummary}): their exact
     * mass, the volume and mass at and above each cut, the keys inside each bracket.
     *
     * @return the index of the first invalid voxel in the range, or −1 (the summary then holds
     *         partial results)
     */
    long summarize(Marginal m, long from, long to, LevelSummary summary);

    /**
     * Adds the bit patterns of the float16 voxels [from, to) to {@code counts}, lumping any of them
     * below {@link PatternCounts#LUMPED_BELOW} it chooses (see {@link PassBackend#countPatterns}).
     */
    void countPatterns(Marginal m, long from, long to, PatternCounts counts);

    /**
     * Writes the selection {@code key > level, or key == level for the first quota such voxels of
     * the range} (lowest index first) for voxels [from, to) into {@code out}; {@code from} is a
     * multiple of 64 and so is {@code to} unless it is n, so chunks own whole words.
     */
    void select(Marginal m, long from, long to, long level, long quota, BitMask out);
}
