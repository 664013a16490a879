package org.segopt.engine;

import org.segopt.BitMask;
import org.segopt.Marginal;

/**
 * Where the engine's passes over voxel data run: the service-provider interface behind
 * {@link Engine#of(PassBackend)}. The CPU backend splits each pass over threads with Vector API
 * kernels; a GPU backend runs them on a device. Every method produces integers only, so any
 * correct backend gives results bit-identical to {@link Engine#scalar()}; the exact decisions
 * stay in the engine.
 *
 * <p>Keys: a voxel's key orders like m: its vote count for vote-type marginals, its IEEE bit
 * pattern for floats (−0.0 read as 0).
 */
public interface PassBackend {

    /** Bins per float histogram table: one per 16-bit digit. */
    int DIGITS = 1 << 16;

    /** A short name for reports, e.g. "simd-512bit" or "cuda". */
    String name();

    /** Threads (or devices) a pass is split over, for reports. */
    int threads();

    /**
     * Adds the vote histogram of all voxels to {@code hist[0..length)} (index = votes).
     *
     * @return the index of the first voxel whose value is invalid for the encoding, or −1
     */
    long countVotes(Marginal m, long[] hist, int length);

    /**
     * Adds the top-level float histogram of all voxels: bin = top 16 key bits; per bin the count
     * and the sum of the remaining key bits, split as (rest >>> 24) into {@code sumHigh} and
     * (rest & 0xFFFFFF) into {@code sumLow}. May record per-block bounds in {@code ranges} (a
     * backend that does not leaves them unknown).
     *
     * @return the index of the first invalid voxel, or −1
     */
    long countFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges);

    /**
     * Refines float bins j < k: a voxel with {@code key >>> shifts[j] == prefixes[j]} is counted
     * in table j (offset {@code j * DIGITS}) at digit {@code (key >>> (shifts[j] − 16)) & 0xFFFF},
     * with the key bits below that digit summed as in {@link #countFloats}; and bit
     * {@code j * DIGITS + digit} of {@code occupied} (2^16 bits per table) is set for every digit
     * that counted a voxel, so that the engine need not scan the tables. Setting more bits is
     * allowed (a backend may set every bit of the first k tables). Blocks that {@code ranges}
     * proves hold none of the bins may be skipped.
     */
    void refineFloats(Marginal m, int[] shifts, long[] prefixes, int k, long[] counts, long[] sumHigh,
                      long[] sumLow, long[] occupied, BlockRanges ranges);

    /**
     * Whether {@link #countAndRefineFloats} reads the data once. Only then does the engine guess
     * the bins to refine during its first pass: with two passes a wrong guess would cost one.
     */
    default boolean refinesWhileCounting() {
        return false;
    }

    /**
     * {@link #countFloats} and {@link #refineFloats} of bins j < k in one pass: the engine guesses
     * the bins its decisions will need (those of the previous call) and saves the refinement pass
     * when the guess is right. This default makes two passes; a backend that can do both in one
     * overrides it and {@link #refinesWhileCounting}. The results are those of the two calls.
     *
     * @return the index of the first invalid voxel, or −1 (the refinement tables may then hold
     *         partial counts, their occupancy bits set as usual)
     */
    default long countAndRefineFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges,
                                      int[] shifts, long[] prefixes, int k, long[] refineCounts, long[] refineHigh,
                                      long[] refineLow, long[] occupied) {
        long bad = countFloats(m, counts, sumHigh, sumLow, ranges);
        if (bad < 0 && k > 0) {
            refineFloats(m, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied, ranges);
        }
        return bad;
    }

    /**
     * Whether {@link #summarize} runs here. Only then does the engine analyse float marginals
     * from a summary (one pass whose cost does not grow with the number of distinct values);
     * otherwise it uses histograms. Results are the same either way.
     */
    default boolean summarizes() {
        return false;
    }

    /**
     * Fills {@code summary}'s results (cleared by the caller) for every voxel of the float32 or
     * float64 marginal m: exact mass, volume and mass at and above each cut, captured bracket keys.
     *
     * @return the index of the first invalid voxel, or −1
     * @throws UnsupportedOperationException if {@link #summarizes()} is false
     */
    default long summarize(Marginal m, LevelSummary summary) {
        throw new UnsupportedOperationException(name() + " has no summary pass");
    }

    /**
     * Writes into {@code out} the voxels with {@code key > level}, plus the first {@code quota}
     * voxels (lowest index first) with {@code key == level}.
     */
    void select(Marginal m, long level, long quota, BitMask out);

    /** Reads every byte of m once (the physical limit of a pass); returns a checksum. */
    long readPass(Marginal m);
}
